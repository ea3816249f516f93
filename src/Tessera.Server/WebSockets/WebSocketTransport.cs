using System.Net.WebSockets;
using Tessera.Protocol;

namespace Tessera.Server.WebSockets;

/// <summary>
/// The outgoing half of a connection. One writer at a time owns the socket's sending side: a
/// message sent to an idle connection is written at once by the sender's own thread (the Kestrel
/// pipe takes it without waiting nearly always), and only what arrives while a write is under way
/// is queued, for the owner to write next; a write that has to wait (the client's TCP window is
/// full) continues asynchronously, bounded in time (protocol.md §1). Waking a writer task for
/// every burst was a thread-pool hop and a context switch per handshake answer, welcome sequence
/// and delivery. A client that cannot keep up is dropped rather than allowed to hold memory or
/// slow its group down. The bound is in bytes, not Galène's 100 messages, because joining a large
/// group legitimately queues one <c>user</c> message per member; and there is a second,
/// server-wide bound (<see cref="OutgoingBudget"/>) over all queues.
/// </summary>
public sealed class WebSocketTransport : IClientTransport
{
    /// <summary>
    /// Galène allows 500 ms per write. A write only waits when the client's TCP window is full;
    /// on a CPU-starved host 500 ms also dropped clients that were reading, so allow 2 s.
    /// Clients that really stop reading are caught by the byte budget anyway.
    /// </summary>
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A drained queue keeps at most this many slots (a join flood grows it to one per member).</summary>
    private const int KeptQueueSlots = 16;

    private readonly WebSocket _socket;
    private readonly OutgoingBudget _budget;
    private readonly Tessera.Protocol.Config.ServerLimits _limits;
    private readonly SharedMessageEncoder _encoder;
    private readonly CancellationTokenSource _aborted = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Guards the queue, its byte count and who owns the sending side.</summary>
    private readonly Lock _gate = new();
    /// <summary>Messages waiting while another write is under way; made when first needed.</summary>
    private Queue<byte[]>? _queue;
    private long _queuedBytes;
    /// <summary>Someone is writing (or closing, or the transport is done): nobody else may touch the socket's sending side.</summary>
    private bool _owned;
    private bool _released;
    private CloseReason? _closeReason;
    /// <summary>Armed only while a write waits; made the first time one does.</summary>
    private CancellationTokenSource? _writeTimeout;

    public WebSocketTransport(WebSocket socket, System.Net.IPAddress remoteIp, int remotePort,
                              OutgoingBudget budget, Tessera.Protocol.Config.ServerLimits limits, SharedMessageEncoder encoder)
    {
        _encoder = encoder;
        _socket = socket;
        _budget = budget;
        _limits = limits;
        budget.Track(this);
        RemoteIp = remoteIp.IsIPv4MappedToIPv6 ? remoteIp.MapToIPv4() : remoteIp;
        RemoteAddress = new System.Net.IPEndPoint(RemoteIp, remotePort).ToString();
    }

    public string RemoteAddress { get; }
    public System.Net.IPAddress RemoteIp { get; }

    /// <summary>Cancelled when the connection must stop at once (slow client, failed write).</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>Bytes waiting to be written to this client.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Completes once nothing more will be written: the close frame is sent, or the connection aborted.</summary>
    public Task Finished => _finished.Task;

    public bool Send(Message message)
    {
        if (_closeReason is not null) return false;
        var bytes = _encoder.Encode(message);
        bool writeNow = false, overMine = false;
        lock (_gate)
        {
            if (_released || _closeReason is not null) return false;
            if (_owned)
            {
                (_queue ??= new Queue<byte[]>()).Enqueue(bytes);
                _queuedBytes += bytes.Length;
                _budget.Add(bytes.Length);
                overMine = _queuedBytes > _limits.ClientQueueBytes;
            }
            else writeNow = _owned = true;
        }
        if (writeNow)
        {
            WriteInline(bytes);
            return true;
        }
        // The server-wide bound first: when both are crossed, the client furthest behind goes,
        // which is this one only if no other is further behind.
        if (_budget.Queued > _limits.ServerQueueBytes) _budget.Enforce(_limits.ServerQueueBytes);
        if (overMine && !_aborted.IsCancellationRequested)
        {
            // The client is not reading: drop it.
            Abort("outgoing queue over its byte limit");
            return false;
        }
        return true;
    }

    public void Close(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null) return;
        bool closeNow;
        lock (_gate)
        {
            closeNow = !_owned;
            _owned = true;
        }
        // Otherwise the owner closes once it has written what was queued before.
        if (closeNow) _ = CloseAsync();
    }

    /// <summary>Why the connection was aborted, for the log; null while it is healthy.</summary>
    public string? AbortReason { get; private set; }

    /// <summary>
    /// The connection was aborted because it failed underneath (the client went away: a closed
    /// tab, a dropped network), not because the server dropped it. Routine, and not worth a log
    /// line at Information: at one per abruptly closed connection it cost more than the join.
    /// </summary>
    public bool LostByPeer { get; private set; }

    /// <summary>
    /// Gives everything still queued back to the server-wide budget at once, so the budget is
    /// right as soon as a client is dropped, not when its writer gets round to noticing.
    /// </summary>
    private void Release()
    {
        lock (_gate)
        {
            if (_released) return;
            _released = true;
            _budget.Add(-_queuedBytes);
            _queuedBytes = 0;
            _queue = null;
        }
        _budget.Untrack(this);
    }

    /// <summary>The connection failed underneath: the client went away (see <see cref="LostByPeer"/>).</summary>
    public void Lost(string reason)
    {
        if (AbortReason is null) LostByPeer = true;
        Abort(reason);
    }

    public void Abort(string reason)
    {
        Release();
        AbortReason ??= reason;
        _closeReason ??= CloseReason.Internal;
        try { _aborted.Cancel(); } catch (ObjectDisposedException) { }
        // Fails a write that waits (and the reading loop's receive); the owner then finishes.
        _socket.Abort();
        bool finishNow;
        lock (_gate)
        {
            finishNow = !_owned;
            _owned = true;
        }
        if (finishNow) Finish();
    }

    private void Finish()
    {
        Release();
        _writeTimeout?.Dispose();
        _finished.TrySetResult();
    }

    /// <summary>
    /// The owner's next step once a write is done: the next queued message (true), or the close
    /// once the queue is empty and a close was asked for, or giving up ownership (false).
    /// </summary>
    private bool TryTakeNext(out byte[] next)
    {
        bool close;
        lock (_gate)
        {
            if (_queue is { Count: > 0 } queue && !_released)
            {
                next = queue.Dequeue();
                _queuedBytes -= next.Length;
                _budget.Add(-next.Length);
                return true;
            }
            if (_queue is { } drained && drained.EnsureCapacity(0) > KeptQueueSlots) _queue = null;
            close = _closeReason is not null;
            // Still owned when closing or done: nobody else writes after the close frame.
            _owned = close;
        }
        next = null!;
        if (close)
        {
            if (_aborted.IsCancellationRequested) Finish();
            else _ = CloseAsync();
        }
        return false;
    }

    /// <summary>
    /// Writes on the sender's thread for as long as each write completes at once; the first that
    /// has to wait hands the rest to <see cref="ContinueAsync"/>.
    /// </summary>
    private void WriteInline(byte[] bytes)
    {
        var next = bytes;
        do
        {
            if (!CanWrite()) return;
            ValueTask send;
            try
            {
                send = _socket.SendAsync(next.AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None);
                if (!send.IsCompleted)
                {
                    _ = ContinueAsync(send);
                    return;
                }
                send.GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                Failed(e);
                return;
            }
        } while (TryTakeNext(out next));
    }

    private async Task ContinueAsync(ValueTask pending)
    {
        try
        {
            await WithTimeout(pending);
            while (TryTakeNext(out var next))
            {
                if (!CanWrite()) return;
                await WithTimeout(_socket.SendAsync(next.AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None));
            }
        }
        catch (Exception e)
        {
            Failed(e);
        }
    }

    /// <summary>Whether the owner may write; if not, the transport is finished.</summary>
    private bool CanWrite()
    {
        if (_aborted.IsCancellationRequested)
        {
            Finish();
            return false;
        }
        // A failed read aborts the socket before the reading loop gets round to aborting this
        // transport; a write then would only throw (an exception per abruptly closed join).
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            Lost("connection lost");
            Finish();
            return false;
        }
        return true;
    }

    /// <summary>Awaits a write that has not completed yet under the write timeout, whose expiry aborts the socket.</summary>
    private async ValueTask WithTimeout(ValueTask write)
    {
        if (write.IsCompleted)
        {
            await write;
            return;
        }
        var timeout = _writeTimeout;
        if (timeout is null)
        {
            timeout = _writeTimeout = new CancellationTokenSource();
            timeout.Token.UnsafeRegister(static socket => ((WebSocket)socket!).Abort(), _socket);
        }
        timeout.CancelAfter(WriteTimeout);
        await write;
        timeout.CancelAfter(Timeout.InfiniteTimeSpan);
    }

    private void Failed(Exception e)
    {
        if (_writeTimeout is { IsCancellationRequested: true } && !_aborted.IsCancellationRequested) Abort("write timed out");
        // The socket was aborted under the write (the read found the client gone meanwhile).
        else if (_socket.State == WebSocketState.Aborted) Lost("connection lost");
        else Abort("write failed: " + e.Message);
        Finish();
    }

    /// <summary>Sends the close frame, everything queued before it having been written.</summary>
    private async Task CloseAsync()
    {
        try
        {
            if (!_aborted.IsCancellationRequested && _closeReason is { } reason && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await WithTimeout(new ValueTask(_socket.CloseOutputAsync((WebSocketCloseStatus)reason.Code, reason.Text, CancellationToken.None)));
                // Give the client a moment to answer the close, then stop waiting for it. When the
                // client closed first, this was the answer: nothing is awaited, and no timer is
                // armed for every ordinary goodbye.
                if (_socket.State == WebSocketState.CloseSent)
                    _ = Task.Delay(CloseHandshakeTimeout).ContinueWith(_ => Abort("no answer to the close frame"), TaskScheduler.Default);
            }
        }
        catch (Exception e)
        {
            Failed(e);
        }
        finally
        {
            // What is left will never be sent.
            Finish();
        }
    }
}
