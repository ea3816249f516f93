using System.Net.WebSockets;
using Tessera.Protocol;

namespace Tessera.Server.WebSockets;

/// <summary>
/// The outgoing half of a connection: a queue of encoded messages drained by one writer, each
/// write bounded in time (protocol.md §1). A client that cannot keep up is dropped rather than
/// allowed to hold memory or slow its group down. The bound is in bytes, not Galène's 100
/// messages, because joining a large group legitimately queues one <c>user</c> message per member;
/// and there is a second, server-wide bound (<see cref="OutgoingBudget"/>) over all queues.
/// </summary>
/// <remarks>
/// The writer is not a task parked on a channel for the connection's life: a send that finds no
/// drain running starts one (<see cref="DrainStarter"/>: on the sending thread once its handler
/// returns, or as a thread-pool item), which writes everything queued and returns; it only becomes asynchronous while a write actually waits for the client. A channel
/// and its async reader cost a wake-up, a state-machine resume and an execution-context restore
/// per delivery, about a tenth of the server's CPU per chat delivery, and an idle member held
/// their memory for nothing.
/// </remarks>
public sealed class WebSocketTransport : IClientTransport, IThreadPoolWorkItem
{
    /// <summary>
    /// Galène allows 500 ms per write. A write only waits when the client's TCP window is full;
    /// on a CPU-starved host 500 ms also dropped clients that were reading, so allow 2 s.
    /// Clients that really stop reading are caught by the byte budget anyway.
    /// </summary>
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A queue that grew past this during a burst (a join into a large group) is let go once drained.</summary>
    private const int KeptQueueCapacity = 16;

    private readonly WebSocket _socket;
    private readonly OutgoingBudget _budget;
    private readonly Tessera.Protocol.Config.ServerLimits _limits;
    private readonly CancellationTokenSource _aborted = new();
    private readonly SharedMessageEncoder _encoder;
    private readonly DrainStarter _drains;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CloseReason? _closeReason;

    // Guarded by _accounting.
    private readonly Lock _accounting = new();
    private Queue<byte[]>? _pending;
    private long _queuedBytes;
    private bool _released;
    /// <summary>A drain is queued or running: sends only append, and the drain writes what they added.</summary>
    private bool _draining;
    /// <summary>Nothing more is accepted (closed or aborted): the drain finishes once the queue is empty.</summary>
    private bool _completed;

    /// <summary>Armed only while a write waits; created by the first write that has to wait.</summary>
    private CancellationTokenSource? _writeTimeout;

    public WebSocketTransport(WebSocket socket, System.Net.IPAddress remoteIp, int remotePort,
                              OutgoingBudget budget, Tessera.Protocol.Config.ServerLimits limits, SharedMessageEncoder encoder,
                              DrainStarter drains)
    {
        _encoder = encoder;
        _drains = drains;
        _socket = socket;
        _budget = budget;
        _limits = limits;
        budget.Track(this);
        RemoteIp = remoteIp.IsIPv4MappedToIPv6 ? remoteIp.MapToIPv4() : remoteIp;
        RemoteAddress = new System.Net.IPEndPoint(RemoteIp, remotePort).ToString();
        // An abort fails a write that waits (and the read): nothing more goes out.
        _aborted.Token.UnsafeRegister(static s => ((WebSocket)s!).Abort(), socket);
    }

    public string RemoteAddress { get; }
    public System.Net.IPAddress RemoteIp { get; }

    /// <summary>Cancelled when the connection must stop at once (slow client, failed write).</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>Bytes waiting to be written to this client.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Completes once the writer has finished: everything written and the close frame sent, or the connection aborted.</summary>
    public Task WriterDone => _writerDone.Task;

    public bool Send(Message message)
    {
        if (_closeReason is not null) return false;
        var bytes = _encoder.Encode(message);
        bool overMine, start = false;
        lock (_accounting)
        {
            if (_released || _completed) return false;
            _queuedBytes += bytes.Length;
            _budget.Add(bytes.Length);
            overMine = _queuedBytes > _limits.ClientQueueBytes;
            if (!overMine)
            {
                (_pending ??= new Queue<byte[]>()).Enqueue(bytes);
                start = StartDrainLocked();
            }
        }
        if (overMine)
        {
            // The client is not reading: drop it.
            Abort("outgoing queue over its byte limit");
            return false;
        }
        if (start) _drains.Start(this);
        if (_budget.Queued > _limits.ServerQueueBytes) _budget.Enforce(_limits.ServerQueueBytes);
        return true;
    }

    /// <summary>True when the caller must start the drain (none is queued or running).</summary>
    private bool StartDrainLocked()
    {
        if (_draining) return false;
        _draining = true;
        return true;
    }

    /// <summary>Stops accepting messages; the drain sends what is queued, then the close frame.</summary>
    private void Complete()
    {
        bool start;
        lock (_accounting)
        {
            _completed = true;
            start = StartDrainLocked();
        }
        if (start) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public void Close(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is null) Complete();
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
        lock (_accounting)
        {
            if (_released) return;
            _released = true;
            _budget.Add(-_queuedBytes);
            _queuedBytes = 0;
            _pending = null;
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
        // Cancelled before the drain is told, so that it already knows not to send anything more.
        try { _aborted.Cancel(); } catch (ObjectDisposedException) { }
        Complete();
    }

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    /// <summary>Runs the drain <see cref="DrainStarter"/> was asked to start, on the caller's thread.</summary>
    internal void Drain() => _ = DrainAsync();

    /// <summary>
    /// Writes what is queued, in order, then returns, unless the connection is finished: then it
    /// sends the close frame and completes <see cref="WriterDone"/>. Only one runs at a time
    /// (<see cref="_draining"/>). A write that completes at once, nearly every one, keeps this
    /// synchronous: no state machine is allocated and no timer is touched.
    /// </summary>
    private async Task DrainAsync()
    {
        Exception? failure = null;
        try
        {
            var drained = 0;
            while (true)
            {
                byte[]? bytes = null;
                lock (_accounting)
                {
                    if (!_aborted.IsCancellationRequested && _pending is { Count: > 0 } pending)
                    {
                        bytes = pending.Dequeue();
                        _queuedBytes -= bytes.Length;
                        _budget.Add(-bytes.Length);
                        drained++;
                    }
                    else
                    {
                        if (drained > KeptQueueCapacity) _pending = null;
                        if (!_completed)
                        {
                            _draining = false;
                            return;
                        }
                    }
                }
                if (bytes is null) break;
                // A failed read aborts the socket before the reading loop gets round to aborting
                // this transport; a write then would only throw (100-300 times per 10 s of
                // abruptly closed joins, each an exception and a log line at Information).
                if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
                {
                    Lost("connection lost");
                    break;
                }
                var send = _socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
                if (!send.IsCompleted)
                {
                    // The client's TCP window is full: bound the wait. Its expiry aborts the
                    // connection, which fails the write.
                    _writeTimeout ??= NewWriteTimeout();
                    _writeTimeout.CancelAfter(WriteTimeout);
                    await send;
                    _writeTimeout.CancelAfter(Timeout.InfiniteTimeSpan);
                }
                else await send;
            }
            if (!_aborted.IsCancellationRequested && _closeReason is { } reason && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var closeTimeout = new CancellationTokenSource(CloseHandshakeTimeout);
                await _socket.CloseOutputAsync((WebSocketCloseStatus)reason.Code, reason.Text, closeTimeout.Token);
                // Give the client a moment to answer the close, then stop waiting for it. When the
                // client closed first, this was the answer: nothing is awaited, and no timer is
                // armed for every ordinary goodbye.
                if (_socket.State == WebSocketState.CloseSent)
                    _ = Task.Delay(CloseHandshakeTimeout).ContinueWith(_ => Abort("no answer to the close frame"), TaskScheduler.Default);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException)
        {
            // The socket was aborted under the write (the read found the client gone meanwhile, or
            // the write timed out: that abort already gave its reason).
            if (_socket.State == WebSocketState.Aborted) Lost("connection lost");
            else Abort("write failed: " + e.Message);
        }
        catch (Exception e)
        {
            failure = e;
        }
        // The connection is finished (an unfinished drain returned above): what is left will never be sent.
        Release();
        _writeTimeout?.Dispose();
        if (failure is null) _writerDone.TrySetResult();
        else _writerDone.TrySetException(failure);
    }

    private CancellationTokenSource NewWriteTimeout()
    {
        var timeout = new CancellationTokenSource();
        // The reason is set before the abort reaches the socket: the failed read it causes must
        // not be taken for the client going away (it was logged at Debug as a lost connection).
        timeout.Token.UnsafeRegister(static s => ((WebSocketTransport)s!).Abort("write timed out"), this);
        return timeout;
    }
}
