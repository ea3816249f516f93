using System.Globalization;

namespace Tessera.Server.Streams;

/// <summary>
/// <c>--ice-tcp</c>: where browsers that cannot send UDP reach the SFU over TCP (RFC 6544).
/// <c>auto</c> (the default) uses the media UDP port's number, so one number is opened in the
/// firewall for both; <c>off</c> offers no TCP candidate; a number is that TCP port.
/// </summary>
public sealed record IceTcpSetting(bool Enabled, int? Port)
{
    public const string AutoValue = "auto";

    public static IceTcpSetting Off { get; } = new(false, null);

    /// <exception cref="FormatException">Not auto, off or a port.</exception>
    public static IceTcpSetting Parse(string? value)
    {
        if (value is null or AutoValue)
            return new IceTcpSetting(true, null);
        if (value is "off" or "")
            return Off;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is >= 0 and <= 65535)
            return new IceTcpSetting(true, port);
        throw new FormatException($"--ice-tcp: expected auto, off or a port, got \"{value}\"");
    }
}
