using System.Net.WebSockets;
using System.Threading.Channels;
using Tessera.Protocol;

namespace Tessera.Server.WebSockets;

/// <summary>
/// The outgoing half of a connection: a queue of encoded messages drained by one writer, each
/// write bounded in time (protocol.md §1). A client that cannot keep up is dropped rather than
/// allowed to hold memory or slow its group down. The bound is in bytes, not Galène's 100
/// messages, because joining a large group legitimately queues one <c>user</c> message per member;
/// and there is a second, server-wide bound (<see cref="OutgoingBudget"/>) over all queues.
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

    private readonly WebSocket _socket;
    private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private long _queuedBytes;
    private readonly Lock _accounting = new();
    private bool _released;
    private readonly OutgoingBudget _budget;
    private readonly Tessera.Protocol.Config.ServerLimits _limits;
    private readonly CancellationTokenSource _aborted = new();
    private CloseReason? _closeReason;

    private readonly SharedMessageEncoder _encoder;

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

    public bool Send(Message message)
    {
        if (_closeReason is not null) return false;
        var bytes = _encoder.Encode(message);
        bool overMine;
        lock (_accounting)
        {
            if (_released) return false;
            _queuedBytes += bytes.Length;
            _budget.Add(bytes.Length);
            overMine = _queuedBytes > _limits.ClientQueueBytes;
            if (!overMine && !_queue.Writer.TryWrite(bytes))
            {
                _queuedBytes -= bytes.Length; // closed meanwhile: never queued
                _budget.Add(-bytes.Length);
                return false;
            }
        }
        if (overMine)
        {
            // The client is not reading: drop it.
            Abort("outgoing queue over its byte limit");
            return false;
        }
        if (_budget.Queued > _limits.ServerQueueBytes) _budget.Enforce(_limits.ServerQueueBytes);
        return true;
    }

    public void Close(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is null)
            _queue.Writer.TryComplete();
    }

    /// <summary>Why the connection was aborted, for the log; null while it is healthy.</summary>
    public string? AbortReason { get; private set; }

    /// <summary>
    /// The connection was aborted because it failed underneath (the client went away: a closed
    /// tab, a dropped network), not because the server dropped it. Routine, and not worth a log
    /// line at Information: at one per abruptly closed connection it cost more than the join.
    /// </summary>
    public bool LostByPeer { get; private set; }

    /// <summary>A message left the queue (written, or dropped with the connection).</summary>
    private void Forget(long bytes)
    {
        lock (_accounting)
        {
            if (_released) return;
            _queuedBytes -= bytes;
            _budget.Add(-bytes);
        }
    }

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
        // Cancelled before the queue completes, so that the writer, woken by the completion,
        // already knows not to send anything more.
        try { _aborted.Cancel(); } catch (ObjectDisposedException) { }
        _queue.Writer.TryComplete();
    }

    /// <summary>Runs until the queue is closed, then sends the close frame.</summary>
    public async Task RunWriterAsync()
    {
        // One timer source for the connection's life, armed only while a write waits. Its
        // expiry (or an abort) aborts the socket, which fails the waiting write: a write that
        // completes at once, nearly every one, touches no timer (arming and disarming one per
        // message was two timer-queue operations per delivery of every broadcast).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_aborted.Token);
        using var stopWrites = timeout.Token.UnsafeRegister(static socket => ((WebSocket)socket!).Abort(), _socket);
        try
        {
            // Not cancelled through a token: Abort completes the queue, and the loop ends without
            // the exception a cancelled read throws (one per dropped connection, which showed in
            // the join profile).
            await foreach (var bytes in _queue.Reader.ReadAllAsync())
            {
                if (_aborted.IsCancellationRequested) break;
                Forget(bytes.Length);
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
                    timeout.CancelAfter(WriteTimeout);
                    await send;
                    timeout.CancelAfter(Timeout.InfiniteTimeSpan);
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
            if (timeout.IsCancellationRequested && !_aborted.IsCancellationRequested) Abort("write timed out");
            // The socket was aborted under the write (the read found the client gone meanwhile).
            else if (_socket.State == WebSocketState.Aborted) Lost("connection lost");
            else Abort("write failed: " + e.Message);
        }
        finally
        {
            // What is left will never be sent.
            Release();
        }
    }
}
