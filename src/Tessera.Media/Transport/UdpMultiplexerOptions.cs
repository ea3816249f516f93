using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tessera.Media.Transport;

public sealed class UdpMultiplexerOptions
{
    /// <summary>Address the UDP socket binds to; IPv6Any binds dual-stack.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.IPv6Any;

    /// <summary>UDP port shared by all peers; 0 picks one.</summary>
    public int Port { get; init; }

    /// <summary>Addresses advertised as host candidates; null means every local non-loopback address that is up.</summary>
    public IReadOnlyList<IPAddress>? CandidateAddresses { get; init; }

    /// <summary>A peer whose authenticated checks stop for this long is timed out (RFC 7675 uses 30 s).</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often timeouts are checked by the multiplexer's own timer.</summary>
    public TimeSpan TimeoutCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Where failures are logged: a datagram whose handling threw (Error), socket errors and peer
    /// transports' DTLS failures (Debug). The per-datagram ones are throttled per cause.
    /// </summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
