using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// A protocol client driven directly by a test, to play a member whose browser misbehaves
/// (forged messages) next to a real page.
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    readonly ClientWebSocket socket = new();
    readonly byte[] buffer = new byte[1 << 20];

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public static async Task<RawClient> ConnectAsync(string baseUrl)
    {
        var client = new RawClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.socket.ConnectAsync(new Uri(baseUrl.Replace("http://", "ws://") + "/ws"), timeout.Token);
        await client.SendAsync(new JsonObject { ["type"] = "handshake", ["version"] = new JsonArray("2"), ["id"] = client.Id });
        await client.ReceiveUntilAsync(m => (string?)m["type"] == "handshake");
        return client;
    }

    public async Task SendAsync(JsonObject message)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
    }

    /// <summary>Reads messages until one matches; returns every message read, the match last.</summary>
    public async Task<List<JsonObject>> ReceiveUntilAsync(Func<JsonObject, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<JsonObject>();
        while (true)
        {
            var text = new StringBuilder();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                    throw new InvalidOperationException("connection closed: " + result.CloseStatusDescription);
                text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            } while (!result.EndOfMessage);
            var message = JsonNode.Parse(text.ToString())!.AsObject();
            seen.Add(message);
            if (match(message)) return seen;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (socket.State == WebSocketState.Open)
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
        socket.Dispose();
    }
}
