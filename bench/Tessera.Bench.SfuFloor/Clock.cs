using System.Diagnostics;

namespace Tessera.Bench.SfuFloor;

/// <summary>Microseconds of the machine's monotonic clock, truncated to 32 bits: the send stamp the generator puts in the RTP timestamp.</summary>
internal static class Clock
{
    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1e6;

    // Through long: a double beyond uint's range would saturate instead of wrapping.
    public static uint Microseconds() => (uint)(long)(Stopwatch.GetTimestamp() / TicksPerMicrosecond);

    /// <summary>Whether <paramref name="stamp"/> lies in [start, end), across a wrap of the 32-bit clock.</summary>
    public static bool Within(uint stamp, uint start, uint end) => (int)(stamp - start) >= 0 && (int)(end - stamp) > 0;
}
