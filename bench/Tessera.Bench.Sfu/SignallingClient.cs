using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Bench.Sfu;

/// <summary>The WebSocket side of one synthetic member: handshake, join, then messages to a handler.</summary>
internal sealed class SignallingClient : IAsyncDisposable
{
    private readonly ClientWebSocket _ws = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Receives every message other than handshake/joined/ping.</summary>
    public Func<JsonObject, Task>? OnMessage { get; set; }

    public async Task JoinAsync(Uri endpoint, string group, string username, CancellationToken cancel)
    {
        await _ws.ConnectAsync(endpoint, cancel);
        _ = Task.Run(ReceiveLoop);
        await SendAsync(new JsonObject { ["type"] = "handshake", ["version"] = new JsonArray("2"), ["id"] = Id });
        await SendAsync(new JsonObject { ["type"] = "join", ["kind"] = "join", ["group"] = group, ["username"] = username, ["password"] = "bench" });
        await _joined.Task.WaitAsync(TimeSpan.FromSeconds(30), cancel);
    }

    public async Task SendAsync(JsonObject message)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sendLock.WaitAsync();
        try
        {
            await _ws.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (_ws.State == WebSocketState.Open)
            {
                var r = await _ws.ReceiveAsync(buffer, CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                    break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage)
                    continue;
                var json = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                switch ((string?)json["type"])
                {
                    case "ping":
                        await SendAsync(new JsonObject { ["type"] = "pong" });
                        break;
                    case "joined":
                        if ((string?)json["kind"] == "join")
                            _joined.TrySetResult();
                        else if ((string?)json["kind"] == "fail")
                            _joined.TrySetException(new InvalidOperationException("join failed: " + (string?)json["value"]));
                        break;
                    default:
                        if (OnMessage is { } handler)
                            _ = Task.Run(() => handler(json));
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or JsonException or ObjectDisposedException)
        {
        }
        _joined.TrySetException(new InvalidOperationException("signalling connection closed"));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_ws.State == WebSocketState.Open)
                await _ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception)
        {
        }
        _ws.Dispose();
    }
}
