namespace Tessera.Bench.Sfu;

/// <summary>CPU time from /proc/&lt;pid&gt;/stat (Linux) and the load average.</summary>
internal static class ProcStat
{
    // USER_HZ is 100 on every Linux architecture .NET runs on.
    private const long MicrosecondsPerTick = 10_000;

    public static long CpuMicroseconds(int pid)
    {
        var (user, system) = UserSystemMicroseconds(pid);
        return user + system;
    }

    /// <summary>utime and stime separately: on loopback the kernel's delivery to the receiving socket is charged to the sender's stime.</summary>
    public static (long User, long System) UserSystemMicroseconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(f[11]) * MicrosecondsPerTick, long.Parse(f[12]) * MicrosecondsPerTick);
    }

    /// <summary>Voluntary + involuntary context switches summed over the process's threads.</summary>
    public static long ContextSwitches(int pid)
    {
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    if (line.StartsWith("voluntary_ctxt_switches:") || line.StartsWith("nonvoluntary_ctxt_switches:"))
                        total += long.Parse(line[(line.IndexOf(':') + 1)..].Trim());
            }
            catch (IOException)
            {
                // the thread ended while we were reading
            }
        }
        return total;
    }

    /// <summary>Resident set size in bytes (VmRSS of /proc/&lt;pid&gt;/status).</summary>
    public static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:"))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024; // reported in kB
        throw new InvalidOperationException("no VmRSS in /proc/" + pid + "/status");
    }

    /// <summary>
    /// UDP datagrams the kernel dropped because a receiving socket's buffer was full (RcvbufErrors in
    /// /proc/net/snmp), for the whole network namespace: the server's socket and the load client's alike.
    /// </summary>
    public static long UdpReceiveBufferDrops()
    {
        var lines = File.ReadAllLines("/proc/net/snmp").Where(l => l.StartsWith("Udp: ")).ToArray();
        int column = Array.IndexOf(lines[0].Split(' '), "RcvbufErrors");
        return long.Parse(lines[1].Split(' ')[column]);
    }

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
