namespace Tessera.Server.WebSockets;

/// <summary>
/// Starts the drains of connections whose queues a handler filled. While a reading loop hands one
/// message to its handler, the drains that message's sends need are collected and run on that
/// same thread as soon as the handler returns — outside the group's lock, in the order the sends
/// happened — instead of one thread-pool item per recipient: a chat to 1,000 members is written
/// by the sender's thread in one pass. Sends made anywhere else (timers, a handler's continuation
/// after an await) queue their drain on the thread pool as before. One instance per endpoint.
/// </summary>
public sealed class DrainStarter
{
    private sealed class Batch
    {
        public bool Open;
        public readonly List<WebSocketTransport> Pending = [];
    }

    private readonly ThreadLocal<Batch> _batches = new(() => new Batch());

    /// <summary>Starts <paramref name="transport"/>'s drain: now on the pool, or when this thread's batch closes.</summary>
    public void Start(WebSocketTransport transport)
    {
        var batch = _batches.Value!;
        if (batch.Open) batch.Pending.Add(transport);
        else ThreadPool.UnsafeQueueUserWorkItem(transport, preferLocal: false);
    }

    /// <summary>
    /// Collects the drains started on this thread until <see cref="Run"/>; null when a batch is
    /// already open here (a handler that ran another connection's continuation inline): the outer one runs them.
    /// </summary>
    public object? Open()
    {
        var batch = _batches.Value!;
        if (batch.Open) return null;
        batch.Open = true;
        return batch;
    }

    /// <summary>Closes the batch <see cref="Open"/> returned and runs its drains here, in order.</summary>
    public static void Run(object? opened)
    {
        if (opened is not Batch batch) return;
        batch.Open = false;
        // A drain only writes what is queued and returns; one whose write must wait goes on asynchronously.
        for (var i = 0; i < batch.Pending.Count; i++) batch.Pending[i].Drain();
        batch.Pending.Clear();
        if (batch.Pending.Capacity > 4096) batch.Pending.Capacity = 0;
    }
}
