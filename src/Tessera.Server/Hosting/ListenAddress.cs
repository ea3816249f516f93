using System.Net;

namespace Tessera.Server.Hosting;

/// <summary>Parses <c>--http</c>: <c>host:port</c>, <c>:port</c> (all interfaces) or <c>[v6]:port</c>.</summary>
public static class ListenAddress
{
    public static IPEndPoint Parse(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(value[(colon + 1)..], out var port) || port is < 0 or > 65535)
            throw new FormatException($"--http: expected ADDRESS:PORT, got '{value}'");
        var host = value[..colon].Trim('[', ']');
        if (host is "" or "*") return new IPEndPoint(IPAddress.IPv6Any, port);
        if (host == "localhost") return new IPEndPoint(IPAddress.Loopback, port);
        if (!IPAddress.TryParse(host, out var address))
            throw new FormatException($"--http: '{host}' is not an IP address");
        return new IPEndPoint(address, port);
    }
}
