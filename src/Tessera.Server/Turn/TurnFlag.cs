using System.Globalization;
using System.Net;

namespace Tessera.Server.Turn;

/// <summary>When the built-in TURN server runs, as Galène's <c>-turn</c> flag says.</summary>
public enum TurnMode
{
    /// <summary><c>""</c>: never.</summary>
    Off,

    /// <summary><c>auto</c> (the default): on port 1194, only when <c>data/ice-servers.json</c> is absent.</summary>
    Auto,

    /// <summary><c>:PORT</c> or <c>ADDRESS:PORT</c>: always.</summary>
    On,
}

/// <summary>
/// The <c>-turn</c> flag: <c>auto</c>, <c>""</c>, <c>:PORT</c> (this host's addresses) or
/// <c>ADDRESS:PORT</c>, where an address that is not this host's is a public one in front of a
/// 1:1 NAT: it is what browsers are told, while the server listens on its own addresses.
/// </summary>
public sealed record TurnFlag(TurnMode Mode, IPAddress? Address, int Port)
{
    public const string AutoValue = "auto";
    public const int DefaultPort = 1194;

    /// <exception cref="FormatException">Not one of the forms above.</exception>
    public static TurnFlag Parse(string? value)
    {
        if (value is null || value == AutoValue)
            return new TurnFlag(TurnMode.Auto, null, DefaultPort);
        if (value == "")
            return new TurnFlag(TurnMode.Off, null, 0);
        int colon = value.LastIndexOf(':');
        if (colon >= 0
            && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and <= 65535)
        {
            var host = value[..colon];
            if (host == "")
                return new TurnFlag(TurnMode.On, null, port);
            if (host.StartsWith('[') && host.EndsWith(']'))
                host = host[1..^1];
            if (IPAddress.TryParse(host, out var address))
                return new TurnFlag(TurnMode.On, address, port);
        }
        throw new FormatException($"--turn: expected auto, \"\", :PORT or ADDRESS:PORT, got \"{value}\"");
    }
}
