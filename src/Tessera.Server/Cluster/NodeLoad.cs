using System.Diagnostics;
using Tessera.Media.Transport;

namespace Tessera.Server.Cluster;

/// <summary>
/// This node's load as placement weighs it, measured at each heartbeat: clients, forwarded
/// bitrate since the last sample, and the process's share of the machine's CPU since then.
/// </summary>
public sealed class NodeLoad(MediaCounters media, Func<int> clients, TimeProvider time)
{
    private long _lastBytes = media.ForwardedBytes;
    private TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
    private long _lastTicks = time.GetTimestamp();

    public sealed record Sample(int Clients, int Groups, double ForwardedMbps, double CpuPercent)
    {
        /// <summary>
        /// One point per group and per ten clients, per 10 Mbit/s forwarded and per 25 % of the
        /// machine's CPU: groups dominate, so that a burst of new groups spreads before their
        /// members arrive, and a node busy with media or CPU is passed over.
        /// </summary>
        public double Score => Groups + Clients / 10.0 + ForwardedMbps / 10.0 + CpuPercent / 25.0;
    }

    public Sample Measure(int groups)
    {
        var now = time.GetTimestamp();
        var seconds = Math.Max(time.GetElapsedTime(_lastTicks, now).TotalSeconds, 0.001);
        var bytes = media.ForwardedBytes;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sample = new Sample(clients(), groups,
                                (bytes - _lastBytes) * 8 / seconds / 1e6,
                                (cpu - _lastCpu).TotalSeconds / seconds / Environment.ProcessorCount * 100);
        _lastBytes = bytes;
        _lastCpu = cpu;
        _lastTicks = now;
        return sample;
    }
}
