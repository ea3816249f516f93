using System.Collections.Concurrent;
using Tessera.Protocol;

namespace Tessera.Server.WebSockets;

/// <summary>The live connections, so that shutdown can tell every client why it is going away.</summary>
public sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<ClientSession, WebSocketTransport> _live = new();

    public int Count => _live.Count;

    public IDisposable Add(ClientSession session, WebSocketTransport transport)
    {
        _live[session] = transport;
        return new Registration(() => _live.TryRemove(session, out _));
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
        foreach (var (session, transport) in _live)
            if (ReferenceEquals(session.Group, group)) transport.Close(reason);
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
