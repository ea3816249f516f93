using System.Globalization;
using System.Net;

namespace Tessera.Media.Ice;

/// <summary>
/// A host candidate of ours, as written in SDP (RFC 8839 §5.1): UDP, or TCP as a passive candidate
/// that browsers connect to (RFC 6544 §4.5).
/// </summary>
public sealed record IceCandidate(string Foundation, int Component, uint Priority, IPEndPoint EndPoint, string Type = "host",
                                  bool Tcp = false)
{
    /// <summary>Host priority per RFC 8445 §5.1.2.1: type preference 126, the given local preference, component 1.</summary>
    public static uint HostPriority(int localPreference, int component = 1) =>
        (uint)((126 << 24) + (Math.Clamp(localPreference, 0, 65535) << 8) + (256 - component));

    /// <summary>
    /// A passive TCP host candidate's priority (RFC 6544 §4.2): local preference from the direction
    /// preference of passive (4) and an order among addresses, which keeps it below every UDP
    /// host candidate, so a browser that can use UDP does.
    /// </summary>
    public static uint PassiveTcpPriority(int index) => HostPriority((4 << 13) + 8191 - Math.Clamp(index, 0, 8191));

    /// <summary>The value after "a=" (or the "candidate" field of a trickled candidate).</summary>
    public string ToSdpAttribute() => string.Create(CultureInfo.InvariantCulture,
        $"candidate:{Foundation} {Component} {(Tcp ? "tcp" : "udp")} {Priority} {EndPoint.Address} {EndPoint.Port} typ {Type}{(Tcp ? " tcptype passive" : "")}");
}
