using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tessera.Bench.Sfu;

/// <summary>The real tessera executable as a child process with a wildcard group in a temp dir.</summary>
internal sealed class ServerProcess : IDisposable
{
    public const string Group = "bench";
    private readonly Process _process;
    private readonly string _dir;

    public int Port { get; }

    /// <summary>The server's --recordings folder.</summary>
    public string Recordings { get; }

    /// <summary>A member of the bench group with <c>op</c>, and so <c>record</c> (allow-recording).</summary>
    public const string Operator = "op";
    public int Pid => _process.Id;

    public ServerProcess(string dll)
    {
        if (!File.Exists(dll))
            throw new FileNotFoundException($"build the server first: dotnet build -c Release src/Tessera.Server ({dll} missing)");
        _dir = Directory.CreateTempSubdirectory("tessera-sfubench-").FullName;
        string data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        string groups = Directory.CreateDirectory(Path.Combine(_dir, "groups")).FullName;
        Recordings = Path.Combine(_dir, "recordings");
        File.WriteAllText(Path.Combine(groups, Group + ".json"),
            """{"allow-recording": true, "users": {"op": {"password": {"type": "wildcard"}, "permissions": "op"}},""" +
            """ "wildcard-user": {"password": {"type": "wildcard"}, "permissions": "present"}}""");
        Port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { dll, "--insecure", "--http", $"127.0.0.1:{Port}", "--data", data, "--groups", groups, "--recordings", Recordings, "--ice-address", "127.0.0.1" })
            start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.Error.WriteLine("[server] " + line); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"server exited with {_process.ExitCode}");
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException("server did not start listening");
    }

    /// <summary>utime + stime of the server process, in microseconds.</summary>
    public long CpuMicroseconds() => ProcStat.CpuMicroseconds(Pid);

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
