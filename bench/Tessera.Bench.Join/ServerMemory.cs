namespace Tessera.Bench.Join;

/// <summary>The server's resident memory, read from <c>/proc/PID/status</c>.</summary>
public readonly record struct ServerMemory(long RssBytes, long AnonBytes)
{
    public static ServerMemory Read(int pid)
    {
        long rss = 0, anon = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line) * 1024;
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kilobytes(line) * 1024;
        }
        return new ServerMemory(rss, anon);
    }

    private static long Kilobytes(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    public override string ToString() => $"RSS {RssBytes / 1e6:0.0} MB (anonymous {AnonBytes / 1e6:0.0} MB)";
}
