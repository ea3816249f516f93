using System.Diagnostics;
using System.Text;

namespace Tessera.Bench.Turn;

/// <summary>The TURN server under measurement, in a process of its own so its CPU time is its alone.</summary>
internal sealed class RelayProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string? _directory;

    private RelayProcess(Process process, string? directory)
    {
        _process = process;
        _directory = directory;
    }

    public int Pid => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Tessera's built-in server: this program again, in serve mode.</summary>
    public static RelayProcess BuiltIn(int port, string password) =>
        Start("dotnet", [typeof(RelayProcess).Assembly.Location, "serve", port.ToString(), password], "TURN ready", null);

    /// <summary>Debian's coturn with one static user, relaying to loopback peers, no TLS, its files in a temporary directory.</summary>
    public static RelayProcess Coturn(int port, string username, string password)
    {
        var directory = Directory.CreateTempSubdirectory("tessera-bench-coturn-").FullName;
        return Start("turnserver", ["-n", "--listening-ip=127.0.0.1", $"--listening-port={port}", "--relay-ip=127.0.0.1",
            "--lt-cred-mech", $"--user={username}:{password}", "--realm=tessera", "--allow-loopback-peers",
            "--no-tls", "--no-dtls", "--no-cli", "--min-port=50000", "--max-port=50999",
            $"--userdb={Path.Combine(directory, "turndb")}", $"--pidfile={Path.Combine(directory, "pid")}",
            "--log-file=stdout", "--simple-log", "--no-stdout-log"], "Total General servers", directory);
    }

    private static RelayProcess Start(string program, string[] arguments, string ready, string? directory)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        var relay = new RelayProcess(new Process { StartInfo = start }, directory);
        relay._process.OutputDataReceived += (_, e) => relay.Append(e.Data);
        relay._process.ErrorDataReceived += (_, e) => relay.Append(e.Data);
        relay._process.Start();
        relay._process.BeginOutputReadLine();
        relay._process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!relay.Output.Contains(ready))
        {
            if (relay._process.HasExited || DateTime.UtcNow > deadline)
            {
                relay.Dispose();
                throw new InvalidOperationException($"{program} did not start:\n{relay.Output}");
            }
            Thread.Sleep(50);
        }
        return relay;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        if (_directory is not null) Directory.Delete(_directory, recursive: true);
    }
}
