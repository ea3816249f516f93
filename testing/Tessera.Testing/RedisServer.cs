using System.Diagnostics;

namespace Tessera.Testing;

/// <summary>
/// A <c>redis-server</c> of the test's own on a free loopback port, without persistence (the
/// Debian service is never used). Stopped by its PID; <see cref="RestartAsync"/> starts a new,
/// empty one on the same port, as after a crash of a Redis without persistence.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process _process;

    private RedisServer(int port, Process process)
    {
        Port = port;
        _process = process;
    }

    public int Port { get; }
    public string Url => $"redis://127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var port = FreePort.Find();
        return new RedisServer(port, await LaunchAsync(port));
    }

    private static async Task<Process> LaunchAsync(int port)
    {
        var info = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        var ready = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) => { if (e.Data?.Contains("Ready to accept connections") == true) ready.TrySetResult(); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.Completes(ready.Task, "redis-server ready");
        return process;
    }

    /// <summary>Stops this Redis (SIGKILL: nothing is saved) and starts an empty one on the same port.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        _process = await LaunchAsync(Port);
    }

    private async Task StopAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
