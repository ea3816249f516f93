using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.WebSockets;

/// <summary>
/// The outgoing writer (WebSocketTransport): one drain at a time per connection, started by
/// whichever send finds none running. What it must keep, seen from a real client.
/// </summary>
public sealed class DeliveryTests
{
    private const string Group = """{"wildcard-user": {"password": {"type": "wildcard"}, "permissions": "present"}}""";
    private const int PerSender = 300;

    [Fact]
    public async Task Concurrent_broadcasts_and_private_messages_arrive_in_order_while_websocket_pings_are_answered()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", Group);
            f.Config("""{"limits": {"chatBurst": 100000}}""");
        });

        // The receiver pings at the WebSocket level all along (the server's WebSocket answers
        // with pongs, written between the writer's frames); a missing pong aborts it.
        using var receiver = new ClientWebSocket();
        receiver.Options.KeepAliveInterval = TimeSpan.FromMilliseconds(5);
        receiver.Options.KeepAliveTimeout = TimeSpan.FromSeconds(15);
        await receiver.ConnectAsync(s.WebSocketUrl, CancellationToken.None);
        foreach (var text in new[] { """{"type":"handshake","version":["2"],"id":"receiver"}""",
                                     """{"type":"join","kind":"join","group":"g","username":"receiver","password":""}""" })
            await receiver.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

        // The receiver reads nothing until everything is queued, so that its queue builds up and
        // writes wait on a full TCP window, with sends arriving meanwhile.
        var broadcasts = new List<string>();
        var privates = new List<string>();
        var allQueued = new TaskCompletionSource();
        var reading = Task.Run(async () =>
        {
            await allQueued.Task;
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            while (broadcasts.Count < PerSender || privates.Count < PerSender)
            {
                var result = await receiver.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException($"closed: {result.CloseStatus}");
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var json = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (json.Str("type") != "chat") continue;
                (json.Str("dest") is null ? broadcasts : privates).Add(json.Str("value")![..json.Str("value")!.IndexOf(':')]);
            }
        });

        var padding = new string('x', 4000);
        await using var broadcaster = await s.JoinAsync("g", "broadcaster", "x");
        await using var whisperer = await s.JoinAsync("g", "whisperer", "x");
        await Task.WhenAll(
            Task.Run(async () =>
            {
                for (var i = 0; i < PerSender; i++)
                    await broadcaster.SendAsync(new JsonObject { ["type"] = "chat", ["value"] = $"b{i}:{padding}", ["noecho"] = true });
            }),
            Task.Run(async () =>
            {
                for (var i = 0; i < PerSender; i++)
                    await whisperer.SendAsync(new JsonObject { ["type"] = "chat", ["dest"] = "receiver", ["value"] = $"d{i}:{padding}" });
            }));
        await broadcaster.RoundTripAsync();
        await whisperer.RoundTripAsync();
        allQueued.SetResult();
        await reading.WaitAsync(WsClient.DefaultTimeout);

        Assert.Equal(Enumerable.Range(0, PerSender).Select(i => $"b{i}"), broadcasts);
        Assert.Equal(Enumerable.Range(0, PerSender).Select(i => $"d{i}"), privates);

        // The close handshake still goes through the same writer: the server answers ours.
        await receiver.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(WsClient.DefaultTimeout);
        Assert.Equal((WebSocketState.Closed, WebSocketCloseStatus.NormalClosure), (receiver.State, receiver.CloseStatus));
    }

    [Fact]
    public async Task A_client_that_stops_reading_after_a_burst_is_dropped_and_its_bytes_are_given_back()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", Group);
            f.Config("""{"limits": {"chatBurst": 100000}}""");
        });
        var budget = s.Services.GetRequiredService<Tessera.Server.WebSockets.OutgoingBudget>();

        // Joins, reads nothing, ever: its queue first drains into the socket buffers, then grows.
        using var stalled = new ClientWebSocket();
        await using var flooder = await FloodUntilDroppedAsync(s, stalled, chats: 3000);

        // Nothing of the dropped client's queue is still counted against the server.
        await flooder.RoundTripAsync();
        await Eventually.True(() => budget.Queued == 0, "the server-wide budget is back to zero");
    }

    [Fact]
    public async Task A_client_whose_window_stays_full_is_dropped_by_the_write_timeout_within_its_byte_budget()
    {
        // A byte budget far above what the socket buffers hold: the queue stays within it, and
        // only the write timeout (2 s) can drop the client that stopped reading.
        var log = new List<string>();
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", Group);
            f.Config("""{"limits": {"chatBurst": 100000, "clientQueueBytes": 268435456}}""");
        }, logSink: log);

        using var stalled = new ClientWebSocket();
        stalled.Options.SetBuffer(4096, 4096);
        // Enough to fill loopback's socket buffers several times over (tens of MB at most), far below the budget.
        await using var flooder = await FloodUntilDroppedAsync(s, stalled, chats: 4000);
        lock (log)
            Assert.True(log.Any(l => l.StartsWith("Information Tessera.WebSocket", StringComparison.Ordinal) && l.Contains("dropped: write timed out", StringComparison.Ordinal)),
                        string.Join("\n", log.Where(l => l.Contains("dropped", StringComparison.Ordinal) || l.Contains("limits", StringComparison.OrdinalIgnoreCase))));
    }

    /// <summary>
    /// Joins <paramref name="stalled"/> to "g" and never reads from it; a second member then sends
    /// 16 KB chats (at most <paramref name="chats"/>) until the server announces the stalled one's
    /// departure. Returns that second member.
    /// </summary>
    private static async Task<WsClient> FloodUntilDroppedAsync(TestServer s, ClientWebSocket stalled, int chats)
    {
        await stalled.ConnectAsync(s.WebSocketUrl, CancellationToken.None);
        foreach (var text in new[] { """{"type":"handshake","version":["2"],"id":"stalled"}""",
                                     """{"type":"join","kind":"join","group":"g","username":"stalled","password":""}""" })
            await stalled.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

        var flooder = await s.JoinAsync("g", "flooder", "x");
        await flooder.ReceiveAsync("user", where: m => m.Str("kind") == "add" && m.Str("id") == "stalled");
        var deleted = flooder.ReceiveAsync("user", TimeSpan.FromSeconds(30), m => m.Str("kind") == "delete" && m.Str("id") == "stalled");
        var payload = new string('x', 16_000);
        for (var i = 0; i < chats && !deleted.IsCompleted; i++)
            await flooder.SendAsync(new JsonObject { ["type"] = "chat", ["value"] = payload, ["noecho"] = true });
        await deleted;
        return flooder;
    }
}
