using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>chat, usermessage and the chat history (protocol.md §4.7, §6).</summary>
public class ChatTests
{
    private const string Group = """
        {"users": {"op": {"password": "op", "permissions": "op"}, "quiet": {"password": "q", "permissions": "observe"},
                   "cap": {"password": "c", "permissions": ["caption"]}},
         "wildcard-user": {"password": "w", "permissions": "present"}}
        """;

    [Fact]
    public async Task Broadcast_reaches_everyone_with_server_stamped_fields()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var a = await s.JoinAsync("g", "ann", "w");
        await using var b = await s.JoinAsync("g", "bob", "w");
        await a.SendAsync(Json.Obj("""{"type": "chat", "kind": "me", "value": "waves"}"""));
        foreach (var c in new[] { a, b })
        {
            var chat = await c.ReceiveAsync("chat");
            Assert.Equal((a.Id, "ann", "me", "waves"), (chat.Str("source"), chat.Str("username"), chat.Str("kind"), chat.Str("value")));
            Assert.Null(chat["privileged"]);
            Assert.Equal(11, chat.Str("id")!.Length); // 8 random bytes, base64url
            Assert.True(DateTimeOffset.TryParse(chat.Str("time"), out _));
        }
    }

    [Fact]
    public async Task Operator_messages_are_privileged_and_noecho_is_honoured()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var op = await s.JoinAsync("g", "op", "op");
        await using var b = await s.JoinAsync("g", "bob", "w");
        await op.SendAsync(Json.Obj("""{"type": "chat", "value": "hi", "noecho": true, "id": "mine"}"""));
        var chat = await b.ReceiveAsync("chat");
        Assert.True((bool)chat["privileged"]!);
        Assert.Equal("mine", chat.Str("id"));
        await op.AssertNothingBeforePongAsync("chat");
    }

    [Fact]
    public async Task Private_messages_go_only_to_their_destination_and_are_not_stored()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var a = await s.JoinAsync("g", "ann", "w");
        await using var b = await s.JoinAsync("g", "bob", "w");
        await using var c = await s.JoinAsync("g", "cy", "w");
        await a.SendAsync(new JsonObject { ["type"] = "chat", ["dest"] = b.Id, ["value"] = "psst" });
        Assert.Equal(b.Id, (await b.ReceiveAsync("chat")).Str("dest"));
        // a's pong proves its chat was handled; c's ping, sent after, is answered after anything it queued for c.
        await a.AssertNothingBeforePongAsync("chat");
        await c.AssertNothingBeforePongAsync("chat");
        await a.SendAsync(Json.Obj("""{"type": "chat", "dest": "nobody", "value": "x"}"""));
        Assert.Equal("user unknown", (await a.ReceiveAsync("usermessage")).Str("value"));
        await using var late = await s.ConnectAsync();
        await late.JoinAsync("g", "dan", "w");
        await late.AssertNothingBeforePongAsync("chathistory");
    }

    [Fact]
    public async Task User_messages_are_relayed_but_never_stored()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var a = await s.JoinAsync("g", "ann", "w");
        await using var b = await s.JoinAsync("g", "bob", "w");
        await a.SendAsync(new JsonObject { ["type"] = "usermessage", ["kind"] = "filetransfer", ["dest"] = b.Id, ["value"] = new JsonObject { ["x"] = 1 } });
        var relayed = await b.ReceiveAsync("usermessage");
        Assert.Equal(("filetransfer", a.Id), (relayed.Str("kind"), relayed.Str("source")));
        Assert.Null(relayed["privileged"]); // a client cannot make its message look like the server's
    }

    [Fact]
    public async Task Permissions_gate_chat_and_captions()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var quiet = await s.JoinAsync("g", "quiet", "q");
        await quiet.SendAsync(Json.Obj("""{"type": "chat", "value": "x"}"""));
        Assert.Equal("not authorised", (await quiet.ReceiveAsync("usermessage")).Str("value"));
        await quiet.SendAsync(Json.Obj("""{"type": "usermessage", "kind": "x", "value": "x"}"""));
        Assert.Equal("not authorised", (await quiet.ReceiveAsync("usermessage")).Str("value"));

        await using var cap = await s.JoinAsync("g", "cap", "c");
        await cap.SendAsync(Json.Obj("""{"type": "chat", "kind": "caption", "value": "subtitle"}"""));
        Assert.Equal("caption", (await cap.ReceiveAsync("chat")).Str("kind"));
        await cap.SendAsync(Json.Obj("""{"type": "chat", "value": "normal"}"""));
        Assert.Equal("not authorised", (await cap.ReceiveAsync("usermessage")).Str("value"));
    }

    [Fact]
    public async Task Forged_source_or_username_ends_the_connection()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var a = await s.JoinAsync("g", "ann", "w");
        await a.SendAsync(Json.Obj("""{"type": "chat", "username": "op", "value": "I am the op"}"""));
        var all = await a.ReceiveUntilClosedAsync();
        Assert.Contains(all, m => m.Str("value") == "spoofed username");
        Assert.DoesNotContain(all, m => m.Str("type") == "chat");
        Assert.Equal((System.Net.WebSockets.WebSocketCloseStatus)1002, a.CloseStatus);

        await using var b = await s.JoinAsync("g", "bob", "w");
        await b.SendAsync(Json.Obj("""{"type": "chat", "source": "someone-else", "value": "x"}"""));
        await b.ReceiveUntilClosedAsync();
        Assert.Equal("spoofed client id", b.CloseDescription);
    }

    [Fact]
    public async Task History_keeps_the_last_50_and_forgets_old_entries()
    {
        var time = new ShiftedTime();
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", Group.Replace("{\"users\"", "{\"max-history-age\": 60, \"users\""));
            f.Config("""{"limits": {"chatBurst": 100}}"""); // 55 chats at once: over the default rate
        }, time: time);
        await using var a = await s.JoinAsync("g", "ann", "w");
        for (var i = 0; i < 55; i++) await a.SendAsync(new JsonObject { ["type"] = "chat", ["value"] = $"m{i}" });
        for (var i = 0; i < 55; i++) await a.ReceiveAsync("chat");

        await using var b = await s.ConnectAsync();
        await b.JoinAsync("g", "bob", "w");
        var first = await b.ReceiveAsync("chathistory");
        Assert.Equal("m5", first.Str("value"));

        time.Offset = TimeSpan.FromSeconds(61);
        await using var c = await s.ConnectAsync();
        await c.JoinAsync("g", "cy", "w");
        await c.AssertNothingBeforePongAsync("chathistory");
    }

    [Fact]
    public async Task Clear_chat_removes_history_for_all_or_one_user()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var op = await s.JoinAsync("g", "op", "op");
        await using var a = await s.JoinAsync("g", "ann", "w");
        await a.SendAsync(Json.Obj("""{"type": "chat", "value": "from ann"}"""));
        await op.SendAsync(Json.Obj("""{"type": "chat", "value": "from op"}"""));
        await op.ReceiveAsync("chat"); await op.ReceiveAsync("chat");

        await op.SendAsync(new JsonObject { ["type"] = "groupaction", ["kind"] = "clearchat", ["value"] = new JsonObject { ["userId"] = a.Id } });
        var notice = await a.ReceiveAsync("usermessage", where: m => m.Str("kind") == "clearchat");
        Assert.True((bool)notice["privileged"]!);
        await using var late = await s.ConnectAsync();
        await late.JoinAsync("g", "late", "w");
        Assert.Equal("from op", (await late.ReceiveAsync("chathistory")).Str("value"));

        await a.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "clearchat"}"""));
        Assert.Equal("not authorised", (await a.ReceiveAsync("usermessage", where: m => m.Str("kind") == "error")).Str("value"));
        await op.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "clearchat", "value": {"id": "x"}}"""));
        Assert.Equal("bad value in clearchat", (await op.ReceiveAsync("usermessage", where: m => m.Str("kind") == "error")).Str("value"));
        await op.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "clearchat"}"""));
        await op.ReceiveAsync("usermessage", where: m => m.Str("kind") == "clearchat");
        await using var later = await s.ConnectAsync();
        await later.JoinAsync("g", "later", "w");
        await later.AssertNothingBeforePongAsync("chathistory");
    }
}
