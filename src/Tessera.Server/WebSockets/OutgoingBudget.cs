using System.Collections.Concurrent;

namespace Tessera.Server.WebSockets;

/// <summary>
/// Bytes queued towards all clients of one server, so that many slow readers together cannot
/// hold unbounded memory even though each stays under its own limit. Past the limit the client
/// with the most bytes waiting is dropped: the one furthest behind, never one that keeps up.
/// One instance per host.
/// </summary>
public sealed class OutgoingBudget
{
    private long _queued;
    private readonly ConcurrentDictionary<WebSocketTransport, byte> _transports = new();

    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Counts <paramref name="bytes"/> (negative when sent or released) and returns the new total.</summary>
    public long Add(long bytes) => Interlocked.Add(ref _queued, bytes);

    public void Track(WebSocketTransport transport) => _transports.TryAdd(transport, 0);

    public void Untrack(WebSocketTransport transport) => _transports.TryRemove(transport, out _);

    /// <summary>While over <paramref name="limit"/>, drops the client with the longest queue.</summary>
    public void Enforce(long limit)
    {
        while (Queued > limit)
        {
            WebSocketTransport? largest = null;
            foreach (var t in _transports.Keys)
                if (largest is null || t.QueuedBytes > largest.QueuedBytes) largest = t;
            if (largest is null || largest.QueuedBytes == 0) return;
            largest.Abort("server-wide outgoing queue over its byte limit, and this client was the furthest behind");
        }
    }
}
