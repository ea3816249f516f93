using System.Collections.Concurrent;
using Tessera.Protocol;
using Tessera.Server.Hosting;

namespace Tessera.Server.WebSockets;

/// <summary>
/// The live connections: one server-wide timer watches their silence (<see cref="Liveness"/>),
/// and shutdown tells every client why it is going away.
/// </summary>
public sealed class ConnectionTracker(KeepAliveTimings keepAlive, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<ClientSession, Connection> _live = new();
    private readonly Lock _timerGate = new();
    private Timer? _keepAliveTimer;
    private bool _disposed;

    private sealed record Connection(WebSocketTransport Transport, Liveness Liveness);

    public int Count => _live.Count;

    public IDisposable Add(ClientSession session, WebSocketTransport transport, Liveness liveness)
    {
        _live[session] = new Connection(transport, liveness);
        if (Volatile.Read(ref _keepAliveTimer) is null) StartKeepAlive();
        return new Registration(() => _live.TryRemove(session, out _));
    }

    /// <summary>Started with the first connection, so that a server nobody uses wakes up for nothing.</summary>
    private void StartKeepAlive()
    {
        lock (_timerGate)
            if (_keepAliveTimer is null && !_disposed)
                _keepAliveTimer = new Timer(_ => CheckKeepAlive(), null, keepAlive.Tick, keepAlive.Tick);
    }

    private void CheckKeepAlive()
    {
        foreach (var (_, connection) in _live)
            connection.Liveness.Check(time, keepAlive, connection.Transport);
    }

    /// <summary>Locks every group and kicks every client with the shutdown message (protocol.md §11.4).</summary>
    public void KickAll(Tessera.Protocol.Groups.GroupRegistry registry)
    {
        foreach (var group in registry.InMemory())
            lock (group.Gate) group.Lock(Texts.ShuttingDown);
        foreach (var session in _live.Keys)
            session.Kick(null, null, Texts.ShuttingDown);
    }

    /// <summary>Closes the connections of a group's members without a kick, so that clients reconnect (cluster mode: the group moved).</summary>
    public void CloseMembers(Tessera.Protocol.Groups.Group group, CloseReason reason)
    {
        foreach (var (session, connection) in _live)
            if (ReferenceEquals(session.Group, group)) connection.Transport.Close(reason);
    }

    public void Dispose()
    {
        lock (_timerGate)
        {
            _disposed = true;
            _keepAliveTimer?.Dispose();
        }
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
