using System.Net.WebSockets;
using System.Threading.Channels;
using Tessera.Groups.Protocol;

namespace Tessera.Server.WebSockets;

/// <summary>
/// The outgoing half of a connection: a queue of encoded messages drained by one writer, each
/// write bounded to 500 ms (protocol.md §1). A client that cannot keep up is dropped rather than
/// allowed to hold memory or slow its group down. The bound is in bytes, not Galène's 100
/// messages, because joining a large group legitimately queues one <c>user</c> message per member.
/// </summary>
public sealed class WebSocketTransport : IClientTransport
{
    public const long MaxQueuedBytes = 4 << 20;
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
    private readonly CancellationTokenSource _aborted = new();
    private CloseReason? _closeReason;

    public WebSocketTransport(WebSocket socket, System.Net.IPAddress remoteIp, int remotePort)
    {
        _socket = socket;
        RemoteIp = remoteIp.IsIPv4MappedToIPv6 ? remoteIp.MapToIPv4() : remoteIp;
        RemoteAddress = new System.Net.IPEndPoint(RemoteIp, remotePort).ToString();
    }

    public string RemoteAddress { get; }
    public System.Net.IPAddress RemoteIp { get; }

    /// <summary>Cancelled when the connection must stop at once (slow client, failed write).</summary>
    public CancellationToken Aborted => _aborted.Token;

    public bool Send(Message message)
    {
        if (_closeReason is not null) return false;
        var bytes = MessageJson.Encode(message);
        if (Interlocked.Add(ref _queuedBytes, bytes.Length) > MaxQueuedBytes)
        {
            // The client is not reading: drop it.
            Abort("outgoing queue over its byte limit");
            return false;
        }
        return _queue.Writer.TryWrite(bytes);
    }

    public void Close(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is null)
            _queue.Writer.TryComplete();
    }

    /// <summary>Why the connection was aborted, for the log; null while it is healthy.</summary>
    public string? AbortReason { get; private set; }

    public void Abort(string reason)
    {
        AbortReason ??= reason;
        _closeReason ??= CloseReason.Internal;
        _queue.Writer.TryComplete();
        try { _aborted.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>Runs until the queue is closed, then sends the close frame.</summary>
    public async Task RunWriterAsync()
    {
        try
        {
            // One timer source for the connection's life, re-armed per write, rather than one per message.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_aborted.Token);
            await foreach (var bytes in _queue.Reader.ReadAllAsync(_aborted.Token))
            {
                Interlocked.Add(ref _queuedBytes, -bytes.Length);
                timeout.CancelAfter(WriteTimeout);
                await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, timeout.Token);
                timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            }
            if (_closeReason is { } reason && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var closeTimeout = new CancellationTokenSource(CloseHandshakeTimeout);
                await _socket.CloseOutputAsync((WebSocketCloseStatus)reason.Code, reason.Text, closeTimeout.Token);
                // Give the client a moment to answer the close, then stop waiting for it.
                _ = Task.Delay(CloseHandshakeTimeout).ContinueWith(_ => Abort("no answer to the close frame"), TaskScheduler.Default);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            Abort(e is OperationCanceledException && !_aborted.IsCancellationRequested ? "write timed out" : "write failed: " + e.Message);
        }
    }
}
