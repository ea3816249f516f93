namespace Tessera.Media.Rtcp;

/// <summary>64-bit NTP timestamps (seconds since 1900 in the high word, fraction in the low word).</summary>
public static class NtpTime
{
    private static readonly DateTimeOffset Epoch = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ulong FromDateTime(DateTimeOffset time)
    {
        double seconds = (time - Epoch).TotalSeconds;
        ulong whole = (ulong)Math.Floor(seconds);
        ulong fraction = (ulong)((seconds - whole) * 4294967296.0);
        return (whole << 32) | (fraction & 0xFFFFFFFF);
    }
}
