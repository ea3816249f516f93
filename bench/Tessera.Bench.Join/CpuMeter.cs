using System.Diagnostics;

namespace Tessera.Bench.Join;

/// <summary>CPU seconds used by the server (from /proc/PID/stat) and by this client, between two points.</summary>
public readonly record struct CpuSample(double Server, double Client, long Timestamp, double ServerJit = double.NaN)
{
    // USER_HZ is 100 on every Linux configuration .NET runs on.
    private const double TicksPerSecond = 100.0;

    public static CpuSample Take(int? serverPid) =>
        new(serverPid is { } pid ? Seconds($"/proc/{pid}/stat") : double.NaN,
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, Stopwatch.GetTimestamp(),
            serverPid is { } p ? JitSeconds(p) : double.NaN);

    public static CpuDelta operator -(CpuSample after, CpuSample before) =>
        new(after.Server - before.Server, after.Client - before.Client,
            Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds, after.ServerJit - before.ServerJit);

    /// <summary>
    /// CPU of the runtime's background JIT thread (tiered compilation): on a loaded machine it is
    /// still compiling long after the warm-up, and that is not the cost of a join.
    /// </summary>
    private static double JitSeconds(int pid)
    {
        var total = 0.0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var comm = File.ReadAllText(Path.Combine(task, "comm"));
                if (comm.StartsWith(".NET Tiered", StringComparison.Ordinal)) total += Seconds(Path.Combine(task, "stat"));
            }
        }
        catch (IOException) { }
        return total;
    }

    private static double Seconds(string statPath)
    {
        try
        {
            var stat = File.ReadAllText(statPath);
            // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}

/// <param name="ServerJit">Of <paramref name="Server"/>, what the background JIT thread used.</param>
public readonly record struct CpuDelta(double Server, double Client, double Wall, double ServerJit = double.NaN)
{
    /// <summary>Server CPU as a fraction of one core.</summary>
    public double ServerCores => Server / Wall;
    public double ClientCores => Client / Wall;
}

public static class LoadAverage
{
    public static string Now()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }
}

public static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Nearest-rank percentile of an already sorted array.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
