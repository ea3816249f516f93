using System.Net.Http;
using System.Net.WebSockets;

namespace Tessera.Bench.Join;

/// <summary>One client WebSocket with a reusable receive buffer; one reader at a time.</summary>
public sealed class BenchConnection : IAsyncDisposable
{
    // One handler for every connection: the upgrade requests then share its settings and
    // nothing per connection is spent building a handler.
    private static readonly HttpMessageInvoker Invoker = new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    });

    private readonly ClientWebSocket _socket = new();
    private byte[] _buffer = new byte[16 * 1024];

    private BenchConnection()
    {
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    public WebSocketState State => _socket.State;

    /// <summary>Opens the WebSocket and sends the handshake (not waiting for the server's).</summary>
    public static async Task<BenchConnection> OpenAsync(Uri url, CancellationToken ct)
    {
        var connection = new BenchConnection();
        try
        {
            await connection._socket.ConnectAsync(url, Invoker, ct);
            await connection.SendAsync(Wire.Handshake(), ct);
            return connection;
        }
        catch
        {
            connection._socket.Dispose();
            throw;
        }
    }

    public ValueTask SendAsync(byte[] message, CancellationToken ct) =>
        _socket.SendAsync(message.AsMemory(), WebSocketMessageType.Text, true, ct);

    /// <summary>Receives one whole message; the memory is valid until the next call.</summary>
    /// <exception cref="WebSocketException">The server closed the connection.</exception>
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken ct)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            var result = await _socket.ReceiveAsync(_buffer.AsMemory(length), ct);
            if (result.MessageType == WebSocketMessageType.Close)
                throw new WebSocketException($"server closed the connection ({(int?)_socket.CloseStatus} {_socket.CloseStatusDescription})");
            length += result.Count;
            if (result.EndOfMessage) return _buffer.AsMemory(0, length);
        }
    }

    /// <summary>Reads until a <c>joined</c> message and returns its kind (and value text if not <c>join</c>).</summary>
    public async ValueTask<(string? Kind, string? Value)> WaitJoinedAsync(CancellationToken ct)
    {
        while (true)
        {
            var message = await ReceiveAsync(ct);
            var incoming = Wire.Scan(message.Span);
            if (incoming.Type == MessageType.Joined)
                return (incoming.Kind, incoming.Kind is "join" or "leave" ? null : Wire.ValueText(message.Span));
            if (incoming.Type == MessageType.UserMessage && incoming.Kind == "error")
                return ("error", Wire.ValueText(message.Span));
        }
    }

    /// <summary>Full close handshake, bounded in time; returns the code the server answered with.</summary>
    public async Task<WebSocketCloseStatus?> CloseAsync(CancellationToken ct)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ct);
        return _socket.CloseStatus;
    }

    /// <summary>Sends the close frame only, for connections whose reader is still running.</summary>
    public async Task CloseOutputAsync(CancellationToken ct)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
    }

    /// <summary>Drops the connection without a close handshake, as a browser tab that is killed.</summary>
    public void Abort() => _socket.Abort();

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
