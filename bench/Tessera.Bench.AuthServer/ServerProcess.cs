using System.Diagnostics;
using System.Net;

namespace Tessera.Bench.AuthServer;

/// <summary>The built tessera-auth executable with a given configuration, in its own process so its CPU can be read apart.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    public ServerProcess(string configPath)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tessera-auth.dll"));
        psi.ArgumentList.Add("--config");
        psi.ArgumentList.Add(configPath);
        psi.Environment["DOTNET_gcServer"] = "1";
        foreach (var name in new[] { "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit" })
            if (Environment.GetEnvironmentVariable(name) is { } v) psi.Environment[name] = v;
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("tessera-auth: " + e.Data); };
        _process.BeginErrorReadLine();
        string? line;
        do line = _process.StandardOutput.ReadLine();
        while (line is not null && !line.StartsWith("tessera-auth listening on "));
        if (line is null) throw new InvalidOperationException("tessera-auth did not start");
        var uri = new Uri(line["tessera-auth listening on ".Length..]);
        Endpoint = new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port);
        _ = _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
    }

    public IPEndPoint Endpoint { get; }

    public TimeSpan CpuTime() => CpuTimeOf(_process.Id);

    /// <summary>utime + stime from /proc/PID/stat (clock ticks of 1/100 s).</summary>
    public static TimeSpan CpuTimeOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromSeconds((long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }
}
