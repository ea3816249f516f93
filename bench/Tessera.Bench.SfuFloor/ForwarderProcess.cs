using System.Diagnostics;

namespace Tessera.Bench.SfuFloor;

/// <summary>The forwarder as a child process (this assembly with <c>forward</c>), so that its CPU time is its own.</summary>
internal sealed class ForwarderProcess : IDisposable
{
    private readonly Process _process;

    public ForwarderProcess(int publishers, int subscribers, IEnumerable<int> sinkPorts)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { typeof(ForwarderProcess).Assembly.Location, "forward", publishers.ToString(), subscribers.ToString(), string.Join(',', sinkPorts) })
            start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.Error.WriteLine("[forwarder] " + line); };
        _process.BeginErrorReadLine();
        string? line = _process.StandardOutput.ReadLine();
        const string Ready = "forwarding on ";
        if (line is null || !line.StartsWith(Ready))
            throw new InvalidOperationException($"the forwarder did not start: {line ?? "no output"}");
        Port = int.Parse(line[Ready.Length..]);
    }

    public int Port { get; }
    public int Pid => _process.Id;

    public void Dispose()
    {
        // Closing its stdin is the forwarder's signal to stop; it is killed only if it does not.
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            _process.Kill();
        _process.Dispose();
    }
}
