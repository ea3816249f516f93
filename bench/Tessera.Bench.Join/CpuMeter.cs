using System.Diagnostics;

namespace Tessera.Bench.Join;

/// <summary>CPU seconds used by the server (from /proc/PID/stat) and by this client, between two points.</summary>
public readonly record struct CpuSample(double Server, double Client, long Timestamp)
{
    // USER_HZ is 100 on every Linux configuration .NET runs on.
    private const double TicksPerSecond = 100.0;

    public static CpuSample Take(int? serverPid) =>
        new(serverPid is { } pid ? ServerSeconds(pid) : double.NaN,
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, Stopwatch.GetTimestamp());

    public static CpuDelta operator -(CpuSample after, CpuSample before) =>
        new(after.Server - before.Server, after.Client - before.Client,
            Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds);

    private static double ServerSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
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

public readonly record struct CpuDelta(double Server, double Client, double Wall)
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
