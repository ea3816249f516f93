using System.Globalization;

namespace Tessera.Server.Streams;

/// <summary>The <c>--udp-range</c> flag: one port <c>N</c>, a range <c>MIN-MAX</c>, or empty for a port chosen by the system.</summary>
public sealed record UdpPortRange(int Min, int Max)
{
    public static UdpPortRange Any { get; } = new(0, 0);

    /// <exception cref="FormatException">Not a port or a range of ports.</exception>
    public static UdpPortRange Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return Any;
        var parts = text.Split('-');
        if (parts.Length is 1 or 2 && parts.All(IsPort))
        {
            int min = int.Parse(parts[0], CultureInfo.InvariantCulture);
            int max = int.Parse(parts[^1], CultureInfo.InvariantCulture);
            if (min <= max && (min > 0 || max == 0))
                return new UdpPortRange(min, max);
        }
        throw new FormatException($"--udp-range: expected a port or MIN-MAX, got \"{text}\"");
    }

    private static bool IsPort(string s) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is >= 0 and <= 65535;
}
