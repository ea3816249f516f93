using System.Net;

namespace Tessera.Media.Turn;

/// <summary>
/// A TURN server (RFC 8656) with one long-term credential: UDP, TCP and optionally TLS listeners
/// sharing one table of allocations. Relays only UDP, to IPv4 peers, and by default only to the
/// addresses in <see cref="TurnServerOptions.AllowedPeers"/>.
/// </summary>
public sealed class TurnServer : IDisposable
{
    private readonly TurnServerOptions _options;
    private readonly AllocationTable _allocations;
    private readonly TurnMessageHandler _handler;
    private readonly List<IDisposable> _listeners = new();
    private readonly ITimer _expiry;

    private TurnServer(TurnServerOptions options)
    {
        _options = options;
        _allocations = new AllocationTable(options.MaxAllocationsPerClient, options.MaxAllocations);
        _handler = new TurnMessageHandler(options, _allocations);
        _expiry = options.TimeProvider.CreateTimer(_ => RemoveExpired(), null, options.ExpiryCheckInterval, options.ExpiryCheckInterval);
    }

    /// <summary>Binds every configured listener.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">A listener's address or port is not available.</exception>
    public static TurnServer Start(TurnServerOptions options)
    {
        var server = new TurnServer(options);
        try
        {
            if (options.UdpEndPoint is { } udp)
            {
                var listener = new TurnUdpListener(udp, server._handler, options.Logger, options.TimeProvider);
                server._listeners.Add(listener);
                server.UdpEndPoint = listener.LocalEndPoint;
            }
            if (options.TcpEndPoint is { } tcp)
            {
                var listener = new TurnStreamListener(tcp, server._handler, server._allocations, options);
                server._listeners.Add(listener);
                server.TcpEndPoint = listener.LocalEndPoint;
            }
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    public IPEndPoint? UdpEndPoint { get; private set; }
    public IPEndPoint? TcpEndPoint { get; private set; }

    /// <summary>Whether the TCP listener also takes TLS (<c>turns:</c>).</summary>
    public bool Tls => _options.Certificate is not null && TcpEndPoint is not null;
    public LongTermCredentials Credentials => _options.Credentials;

    public int AllocationCount => _allocations.Count;

    /// <summary>Requests refused for their credentials (401 or 438).</summary>
    public long RejectedRequests => _handler.Rejected;

    /// <summary>Packets relayed in either direction by the live allocations.</summary>
    public long RelayedPackets => _allocations.All().Sum(a => a.RelayedPackets);

    /// <summary>Removes allocations past their lifetime; called by the server's timer, public for tests with a manual clock.</summary>
    public void RemoveExpired()
    {
        foreach (var allocation in _allocations.Expired(_options.TimeProvider.GetUtcNow()))
            _allocations.Remove(allocation);
    }

    public void Dispose()
    {
        _expiry.Dispose();
        foreach (var listener in _listeners)
            listener.Dispose();
        foreach (var allocation in _allocations.All())
            _allocations.Remove(allocation);
    }
}
