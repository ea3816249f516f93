using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Tessera.Protocol;
using Tessera.Protocol.Config;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>
/// What one client can make the server hold or relay is bounded (README, "Limits"): chat size
/// and rate, chat history, names others see, and the bytes queued towards slow readers.
/// </summary>
public class LimitsTests
{
    private const string Group = """{"wildcard-user": {"password": "w", "permissions": "present"}}""";

    private static JsonObject Chat(string text) => new() { ["type"] = "chat", ["kind"] = "", ["value"] = text };

    [Fact]
    public async Task An_oversized_chat_is_refused_to_its_sender_and_not_relayed()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var a = await s.JoinAsync("g", "ann", "w");
        await using var b = await s.JoinAsync("g", "bob", "w");
        await a.SendAsync(Chat(new string('x', 900_000)));
        var error = await a.ReceiveMessageAsync("usermessage", where: m => (string?)m["kind"] == "error");
        Assert.StartsWith("message too long (900002 bytes; at most 16384)", (string?)error.Value);
        await a.SendAsync(Chat("after"));
        // bob's first chat is the one sent after: the big one was never relayed.
        Assert.Equal("after", (await b.ReceiveAsync("chat")).Str("value"));
        // and the connection is still fine
        Assert.Equal("after", (await a.ReceiveAsync("chat")).Str("value"));
    }

    [Fact]
    public async Task A_chat_flood_is_cut_at_the_rate_and_the_sender_is_told_once()
    {
        var time = new ShiftedTime();
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", Group);
            f.Config("""{"limits": {"chatBurst": 20, "chatPerSecond": 0.001}}""");
        }, time: time);
        await using var a = await s.JoinAsync("g", "ann", "w");
        await using var b = await s.JoinAsync("g", "bob", "w");
        for (var i = 0; i < 2000; i++) await a.SendAsync(Chat("flood " + i));
        // Messages are handled in order: the pong proves the whole flood was, before the clock moves.
        await a.SendAsync(new JsonObject { ["type"] = "ping" });
        var errors = 0;
        while (await a.NextAsync() is var m && (string?)m["type"] != "pong")
            if ((string?)m["kind"] == "error") errors++;
        Assert.Equal(1, errors); // told once, not 1,980 times
        time.Offset += TimeSpan.FromHours(1); // the bucket refills: one more gets through
        await a.SendAsync(Chat("end"));

        var received = new List<string>();
        while ((await b.ReceiveAsync("chat")).Str("value") is var text && text != "end") received.Add(text!);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => "flood " + i), received);
        while ((await a.NextAsync()) is var m && !((string?)m["type"] == "chat" && m.Str("value") == "end"))
            Assert.NotEqual("error", (string?)m["kind"]);
    }

    /// <summary>A file-transfer user message to <paramref name="dest"/>, as Galène's client and ours send them.</summary>
    private static JsonObject FileTransfer(string dest, JsonObject value) =>
        new() { ["type"] = "usermessage", ["kind"] = "filetransfer", ["dest"] = dest, ["noecho"] = true, ["value"] = value };

    /// <summary>
    /// The sender's half of setting up five transfers at once: five invitations, then per transfer
    /// the answer and its ICE candidates (two addresses, UDP and TCP each, then the end of candidates).
    /// </summary>
    private static List<JsonObject> FiveTransfersFromTheSender(string dest)
    {
        var messages = new List<JsonObject>();
        for (var t = 0; t < 5; t++)
            messages.Add(FileTransfer(dest, new JsonObject
            {
                ["type"] = "invite", ["id"] = "t" + t, ["name"] = $"file{t}.bin", ["size"] = 1000 + t, ["mimetype"] = "",
            }));
        for (var t = 0; t < 5; t++)
        {
            messages.Add(FileTransfer(dest, new JsonObject { ["type"] = "answer", ["id"] = "t" + t, ["sdp"] = "v=0\r\n" }));
            foreach (var candidate in new[]
                     {
                         "candidate:1 1 udp 2122260223 10.99.0.1 50000 typ host", "candidate:2 1 udp 2122194687 10.99.1.1 50001 typ host",
                         "candidate:3 1 tcp 1518280447 10.99.0.1 9 typ host tcptype active", "candidate:4 1 tcp 1518214911 10.99.1.1 9 typ host tcptype active",
                     })
                messages.Add(FileTransfer(dest, new JsonObject
                {
                    ["type"] = "upice", ["id"] = "t" + t,
                    ["candidate"] = new JsonObject { ["candidate"] = candidate, ["sdpMid"] = "0", ["sdpMLineIndex"] = 0 },
                }));
            messages.Add(FileTransfer(dest, new JsonObject { ["type"] = "upice", ["id"] = "t" + t, ["candidate"] = null }));
        }
        return messages;
    }

    [Fact]
    public async Task Setting_up_five_file_transfers_at_once_is_relayed_whole_and_leaves_the_chat_allowance_untouched()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var a = await s.JoinAsync("g", "ann", "w");
        await using var b = await s.JoinAsync("g", "bob", "w");
        var sent = FiveTransfersFromTheSender(b.Id);
        Assert.True(sent.Count > ServerLimits.Default.ChatBurst, "more than the chat allowance");
        foreach (var message in sent) await a.SendAsync(message);
        // The chat allowance is whole: a full burst of chat (the last being "end") still goes through.
        for (var i = 0; i < ServerLimits.Default.ChatBurst - 1; i++) await a.SendAsync(Chat("chat " + i));
        await a.SendAsync(Chat("end"));

        var received = new List<string>();
        while (await b.NextAsync() is var m && !((string?)m["type"] == "chat" && m.Str("value") == "end"))
            if (((string?)m["type"] == "usermessage" && (string?)m["kind"] == "filetransfer") || (string?)m["type"] == "chat")
                received.Add(m["value"]!.ToJsonString());
        Assert.Equal(sent.Select(m => m["value"]!.ToJsonString())
                         .Concat(Enumerable.Range(0, ServerLimits.Default.ChatBurst - 1).Select(i => $"\"chat {i}\"")),
                     received);
    }

    [Fact]
    public async Task A_file_transfer_flood_is_cut_at_its_own_rate_the_sender_is_told_once_and_chat_still_flows()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", Group);
            f.Config("""{"limits": {"fileTransferBurst": 30, "fileTransferPerSecond": 0.001}}""");
        });
        await using var a = await s.JoinAsync("g", "ann", "w");
        await using var b = await s.JoinAsync("g", "bob", "w");
        for (var i = 0; i < 1000; i++)
            await a.SendAsync(FileTransfer(b.Id, new JsonObject { ["type"] = "upice", ["id"] = "x", ["candidate"] = i }));
        await a.SendAsync(new JsonObject { ["type"] = "ping" });
        var errors = new List<string?>();
        while (await a.NextAsync() is var m && (string?)m["type"] != "pong")
            if ((string?)m["kind"] == "error") errors.Add((string?)m["value"]);
        Assert.Equal([Texts.TooManyFileTransferMessages], errors); // told once, with what was refused
        await a.SendAsync(Chat("end"));

        var relayed = 0;
        while (await b.NextAsync() is var m && !((string?)m["type"] == "chat" && m.Str("value") == "end"))
            if ((string?)m["kind"] == "filetransfer") relayed++;
        Assert.Equal(30, relayed);
    }

    [Fact]
    public async Task A_group_whose_history_is_full_of_large_chats_stays_joinable()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var a = await s.JoinAsync("g", "ann", "w");
        var big = new string('y', 16_000);
        for (var i = 0; i < 20; i++) await a.SendAsync(Chat(i + big));
        for (var i = 0; i < 20; i++) await a.ReceiveAsync("chat");

        await using var late = await s.ConnectAsync();
        Assert.Equal("join", (await late.JoinAsync("g", "late", "w")).Kind);
        await late.SendAsync(Chat("marker"));
        var history = new List<string>();
        while (await late.NextAsync() is var m && !((string?)m["type"] == "chat" && m.Str("value") == "marker"))
            if ((string?)m["type"] == "chathistory") history.Add(m.Str("value")![..2]);
        // 256 KiB of 16 kB messages: the 16 newest, in order.
        Assert.Equal(Enumerable.Range(4, 16).Select(i => i.ToString().PadRight(2, 'y')), history);
    }

    [Fact]
    public async Task A_huge_client_id_is_refused_and_never_echoed()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var member = await s.JoinAsync("g", "ann", "w");
        await using var c = await WsClient.ConnectAsync(s.WebSocketUrl);
        await c.SendAsync(new JsonObject { ["type"] = "handshake", ["version"] = new JsonArray("2"), ["id"] = new string('i', 900_000) });
        var closing = await c.ReceiveUntilClosedAsync();
        Assert.Contains(closing, m => (string?)m["kind"] == "error" && m.Str("value") == "client id too long");
        Assert.Equal(WebSocketCloseStatus.ProtocolError, c.CloseStatus);
        // ann saw nobody else arrive: every user message until her own chat is about herself.
        await member.SendAsync(Chat("alone"));
        while (await member.NextAsync() is var m && (string?)m["type"] != "chat")
            Assert.Equal(member.Id, m.Str("id"));
    }

    [Fact]
    public async Task Overlong_names_are_refused()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.ConnectAsync();
        var joined = await c.JoinAsync("g", new string('u', 257), "w");
        Assert.Equal(("fail", "this username is too long"), (joined.Kind, (string?)joined.Value));

        await using var a = await s.JoinAsync("g", "ann", "w");
        await a.SendAsync(new JsonObject { ["type"] = "chat", ["dest"] = new string('d', 300), ["value"] = "hi" });
        var closing = await a.ReceiveUntilClosedAsync();
        Assert.Contains(closing, m => (string?)m["kind"] == "error" && m.Str("value") == "dest too long");
    }

    [Fact]
    public async Task Past_the_server_wide_budget_the_slow_readers_are_dropped_not_the_ones_that_keep_up()
    {
        var log = new List<string>();
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", Group);
            f.Config("""{"limits": {"chatBurst": 100000, "clientQueueBytes": 8388608, "serverQueueBytes": 8388608}}""");
        }, logSink: log);
        // Two clients that join and then never read their socket again.
        var slow = new List<ClientWebSocket>();
        for (var i = 0; i < 2; i++) slow.Add(await JoinWithoutReading(s, "slow" + i));
        await using var reader = await s.JoinAsync("g", "reader", "w");
        await using var sender = await s.JoinAsync("g", "sender", "w");
        var text = new string('z', 16_000);
        // Far more than the kernel's socket buffers can absorb for the two slow readers.
        var chat = Chat(text);
        chat["noecho"] = true; // the sender does not read either
        // In step with the reader, which therefore never has more than one message waiting.
        for (var i = 0; i < 1500; i++)
        {
            await sender.SendAsync(chat);
            await reader.ReceiveAsync("chat");
        }
        await sender.SendAsync(Chat("end"));
        Assert.Equal("end", (await reader.ReceiveAsync("chat")).Str("value"));
        lock (log)
        {
            Assert.Contains(log, l => l.Contains("dropped: server-wide outgoing queue over its byte limit", StringComparison.Ordinal));
            Assert.DoesNotContain(log, l => l.Contains("dropped: outgoing queue over its byte limit", StringComparison.Ordinal));
        }
        // The reader is still a member: the server answers it.
        await reader.SendAsync(Chat("still here"));
        Assert.Equal("still here", (await reader.ReceiveAsync("chat")).Str("value"));
        foreach (var ws in slow) ws.Abort();
    }

    private static async Task<ClientWebSocket> JoinWithoutReading(TestServer s, string name)
    {
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(s.WebSocketUrl, CancellationToken.None);
        foreach (var m in new[]
                 {
                     """{"type":"handshake","version":["2"],"id":"ID"}""".Replace("ID", name),
                     """{"type":"join","kind":"join","group":"g","username":"NAME","password":"w"}""".Replace("NAME", name),
                 })
            await ws.SendAsync(Encoding.UTF8.GetBytes(m), WebSocketMessageType.Text, true, CancellationToken.None);
        return ws;
    }
}
