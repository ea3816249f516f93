using System.Globalization;
using System.Net;

namespace Tessera.Media.Ice;

/// <summary>A host candidate of ours, as written in SDP (RFC 8839 §5.1).</summary>
public sealed record IceCandidate(string Foundation, int Component, uint Priority, IPEndPoint EndPoint, string Type = "host")
{
    /// <summary>Host priority per RFC 8445 §5.1.2.1: type preference 126, the given local preference, component 1.</summary>
    public static uint HostPriority(int localPreference, int component = 1) =>
        (uint)((126 << 24) + (Math.Clamp(localPreference, 0, 65535) << 8) + (256 - component));

    /// <summary>The value after "a=" (or the "candidate" field of a trickled candidate).</summary>
    public string ToSdpAttribute() => string.Create(CultureInfo.InvariantCulture,
        $"candidate:{Foundation} {Component} udp {Priority} {EndPoint.Address} {EndPoint.Port} typ {Type}");
}
