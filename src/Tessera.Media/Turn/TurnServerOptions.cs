using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tessera.Media.Turn;

/// <summary>What a <see cref="TurnServer"/> listens on, whom it lets relay to, and its limits.</summary>
public sealed class TurnServerOptions
{
    /// <summary>Where the UDP listener binds (port 0 picks one).</summary>
    public IPEndPoint? UdpEndPoint { get; init; }

    /// <summary>Where the TCP listener binds; null: no TCP listener.</summary>
    public IPEndPoint? TcpEndPoint { get; init; }

    /// <summary>
    /// Supplies the TLS certificate per connection (it may be replaced while running). With one, the
    /// TCP listener also speaks TURN over TLS (<c>turns:</c>): a connection that opens with a TLS
    /// handshake gets one, so a single port serves both. Null: plain TCP only.
    /// </summary>
    public Func<X509Certificate2>? Certificate { get; init; }

    /// <summary>Local address the relay sockets bind to.</summary>
    public IPAddress RelayBindAddress { get; init; } = IPAddress.Any;

    /// <summary>
    /// The address written in XOR-RELAYED-ADDRESS; null: the relay socket's own. Set when the server
    /// sits behind a 1:1 NAT (<c>-turn PUBLIC:PORT</c>), so the relayed address is the public one.
    /// </summary>
    public IPAddress? AdvertisedRelayAddress { get; init; }

    public required LongTermCredentials Credentials { get; init; }

    /// <summary>
    /// Peers the relay may send to. The built-in server exists to reach the SFU, so by default only
    /// the server's own addresses are allowed; null allows any peer (an open relay).
    /// </summary>
    public required IReadOnlySet<IPAddress>? AllowedPeers { get; init; }

    /// <summary>Allocations one client address may hold at once (486 Allocation Quota Reached beyond).</summary>
    public int MaxAllocationsPerClient { get; init; } = 1000;

    /// <summary>Allocations the server holds at once (508 Insufficient Capacity beyond).</summary>
    public int MaxAllocations { get; init; } = 10_000;

    /// <summary>Permissions (peer addresses) one allocation may hold; channels are bounded by their number range.</summary>
    public int MaxPermissionsPerAllocation { get; init; } = 64;

    /// <summary>TCP/TLS connections held at once, and per client address.</summary>
    public int MaxConnections { get; init; } = 10_000;
    public int MaxConnectionsPerClient { get; init; } = 1000;

    /// <summary>A stream connection that has made no allocation after this long is closed.</summary>
    public TimeSpan IdleConnectionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Allocation lifetime without a LIFETIME request, and the most a client may ask for (RFC 8656 §3.8).</summary>
    public TimeSpan DefaultLifetime { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a nonce is accepted before the client must take a fresh one (438 Stale Nonce).</summary>
    public TimeSpan NonceLifetime { get; init; } = TimeSpan.FromMinutes(10);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How often expired allocations and idle connections are removed.</summary>
    public TimeSpan ExpiryCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    public ILogger Logger { get; init; } = NullLogger.Instance;
}
