using System.Diagnostics;

namespace Tessera.Bench.Cluster;

/// <summary>A child process (redis-server or a tessera node) that the benchmark started and stops by PID.</summary>
public sealed class Launched : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Launched(Process process, string readyLine)
    {
        _process = process;
        void OnLine(string? line)
        {
            if (line?.Contains(readyLine) == true) _ready.TrySetResult();
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts <paramref name="file"/> and returns once it printed <paramref name="readyLine"/>.</summary>
    public static async Task<Launched> StartAsync(string readyLine, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        var launched = new Launched(Process.Start(info)!, readyLine);
        var exited = launched._process.WaitForExitAsync();
        if (await Task.WhenAny(launched._ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60))) != launched._ready.Task)
            throw new InvalidOperationException($"{file} did not start");
        return launched;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}
