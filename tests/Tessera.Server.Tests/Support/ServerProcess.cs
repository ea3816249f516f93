using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tessera.Server.Tests.Support;

/// <summary>The built <c>tessera</c> executable, started as an administrator would, killed on dispose.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>The process id, for signals a test sends itself (SIGSTOP, SIGKILL).</summary>
    public int Pid => _process.Id;

    /// <summary>Sends <paramref name="signal"/> to this process only.</summary>
    public void Signal(int signal)
    {
        if (Terminate(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({signal}) failed: " + System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
    }

    /// <summary>SIGKILL, and waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        Signal(9);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public string Output
    {
        get { lock (_output) return string.Join("\n", _output); }
    }

    /// <summary>The server's build output, next to this test project's configuration.</summary>
    public static string ServerDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "src", "Tessera.Server", "bin", configuration, "net10.0", "tessera.dll");
    }

    public static async Task<ServerProcess> StartAsync(params string[] args)
    {
        var port = FreePort.Find();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(ServerDll());
        foreach (var a in args) info.ArgumentList.Add(a.Replace("{port}", port.ToString()));
        // TURN's default port is fixed (1194): servers of parallel tests would compete for it, so a
        // test that wants the built-in TURN server says so.
        if (!args.Any(a => a.TrimStart('-').StartsWith("turn", StringComparison.Ordinal)) && !args.Contains("--demo"))
        {
            info.ArgumentList.Add("--turn");
            info.ArgumentList.Add("");
        }
        var server = new ServerProcess(Process.Start(info)!, port);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!server.Output.Contains("listening on"))
        {
            if (server._process.HasExited)
            {
                server._process.WaitForExit(); // lets the asynchronous output readers drain
                throw new InvalidOperationException("tessera exited: " + server.Output);
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("tessera did not start: " + server.Output);
            await Task.Delay(50);
        }
        return server;
    }

    /// <summary>Asks the server to stop as a service manager does (SIGTERM) and returns its exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        if (Terminate(_process.Id, 15) != 0)
            throw new InvalidOperationException("kill(SIGTERM) failed: " + System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Terminate(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
