using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Protocol;

namespace Tessera.Server.Tests.Support;

/// <summary>A protocol client for tests: raw frames in and out, with typed helpers.</summary>
public sealed class WsClient : IAsyncDisposable
{
    /// <summary>Generous, because CI machines are small and run several test projects at once.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);
    private readonly ClientWebSocket _socket;
    private readonly System.Threading.Channels.Channel<JsonObject> _incoming = System.Threading.Channels.Channel.CreateUnbounded<JsonObject>();
    private Task? _pump;

    private WsClient(ClientWebSocket socket) => _socket = socket;

    public string Id { get; private set; } = "";
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseDescription => _socket.CloseStatusDescription;
    public WebSocketState State => _socket.State;

    /// <param name="from">A loopback source address other than 127.0.0.1, to play a second machine.</param>
    /// <param name="timeout">How long the opening handshake may take (20 s unless said).</param>
    public static async Task<WsClient> ConnectAsync(Uri url, string? origin = null, System.Net.IPAddress? from = null, TimeSpan? timeout = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        if (from is null)
        {
            await socket.ConnectAsync(url, cts.Token);
        }
        else
        {
            var handler = new System.Net.Http.SocketsHttpHandler
            {
                ConnectCallback = async (context, ct) =>
                {
                    var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                    s.Bind(new System.Net.IPEndPoint(from, 0));
                    await s.ConnectAsync(context.DnsEndPoint, ct);
                    return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
                },
            };
            await socket.ConnectAsync(url, new System.Net.Http.HttpMessageInvoker(handler), cts.Token);
        }
        return new WsClient(socket);
    }

    public async Task HandshakeAsync(string? id = null)
    {
        Id = id ?? Guid.NewGuid().ToString("N");
        await SendAsync(new JsonObject { ["type"] = "handshake", ["version"] = new JsonArray("2"), ["id"] = Id });
        var reply = await ReceiveAsync("handshake");
        Assert.Contains("2", reply["version"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    /// <summary>Sends a join and returns the <c>joined</c> answer.</summary>
    public async Task<Message> JoinAsync(string group, string? username, string? password = null, string? token = null, JsonObject? data = null)
    {
        var join = new JsonObject { ["type"] = "join", ["kind"] = "join", ["group"] = group };
        if (username is not null) join["username"] = username;
        if (password is not null) join["password"] = password;
        if (token is not null) join["token"] = token;
        if (data is not null) join["data"] = data;
        await SendAsync(join);
        return Decode(await ReceiveAsync("joined"));
    }

    public Task SendAsync(JsonObject message) => SendRawAsync(message.ToJsonString());

    public async Task SendRawAsync(string text)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
    }

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await _socket.SendAsync(bytes, type, true, cts.Token);
    }

    /// <summary>The next message of the given type, skipping (and keeping nothing of) others before it.</summary>
    public async Task<JsonObject> ReceiveAsync(string type, TimeSpan? timeout = null, Func<JsonObject, bool>? where = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            var message = await NextAsync(cts.Token)
                          ?? throw new Xunit.Sdk.XunitException($"connection closed while waiting for '{type}' ({CloseStatus} {CloseDescription})");
            if ((string?)message["type"] == type && (where is null || where(message))) return message;
        }
    }

    public async Task<Message> ReceiveMessageAsync(string type, TimeSpan? timeout = null, Func<JsonObject, bool>? where = null) =>
        Decode(await ReceiveAsync(type, timeout, where));

    /// <summary>The next message, whatever its type.</summary>
    public async Task<JsonObject> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        return await NextAsync(cts.Token) ?? throw new Xunit.Sdk.XunitException($"connection closed ({CloseStatus} {CloseDescription})");
    }

    /// <summary>Every message until the server closes; returns them in order.</summary>
    public async Task<List<JsonObject>> ReceiveUntilClosedAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var all = new List<JsonObject>();
        while (await NextAsync(cts.Token) is { } message) all.Add(message);
        return all;
    }

    /// <summary>
    /// Sends a ping and waits for its pong; returns what arrived before the pong. The server handles
    /// one client's messages in order and queues what each causes before it handles the next, so
    /// once the pong is here, everything this client sent before has been handled and whatever it
    /// caused for this client has arrived. For what another client's message causes here, round-trip
    /// that client first: once its pong is back, this client's ping is answered after anything it queued here.
    /// </summary>
    public async Task<List<JsonObject>> RoundTripAsync()
    {
        await SendAsync(new JsonObject { ["type"] = "ping" });
        var before = new List<JsonObject>();
        while (true)
        {
            var message = await NextAsync();
            if ((string?)message["type"] == "pong") return before;
            before.Add(message);
        }
    }

    /// <summary>
    /// Asserts that no message of <paramref name="type"/> arrives before the pong of a round trip
    /// (<see cref="RoundTripAsync"/>): nothing sent or caused before it is pending any more.
    /// </summary>
    public async Task AssertNothingBeforePongAsync(string type, Func<JsonObject, bool>? where = null)
    {
        var unexpected = (await RoundTripAsync()).FirstOrDefault(m => (string?)m["type"] == type && (where is null || where(m)));
        if (unexpected is not null) Assert.Fail($"unexpected {type}: {unexpected.ToJsonString()}");
    }

    /// <summary>
    /// The next message, or null once the server has closed. A background pump reads the socket,
    /// because cancelling a WebSocket receive would abort the connection.
    /// </summary>
    private async Task<JsonObject?> NextAsync(CancellationToken ct)
    {
        _pump ??= Task.Run(PumpAsync);
        try
        {
            return await _incoming.Reader.ReadAsync(ct);
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            return null;
        }
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[64 * 1024];
        using var stream = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }
                stream.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                _incoming.Writer.TryWrite(JsonNode.Parse(stream.ToArray())!.AsObject());
                stream.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException) { }
        finally
        {
            _incoming.Writer.TryComplete();
        }
    }

    public static Message Decode(JsonObject json) => JsonSerializer.Deserialize<Message>(json.ToJsonString())!;

    /// <summary>Starts a normal close and waits for the server's answer.</summary>
    public async Task CloseNormallyAsync()
    {
        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await ReceiveUntilClosedAsync();
    }

    /// <summary>Drops the TCP connection without a close frame, like a browser tab that crashed.</summary>
    public Task AbortAsync()
    {
        _socket.Abort();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        _socket.Dispose();
    }
}
