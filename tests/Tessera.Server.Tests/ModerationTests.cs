using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>useraction and groupaction (protocol.md §7, §8, §11).</summary>
public class ModerationTests
{
    private const string Group = """
        {"users": {"op": {"password": "op", "permissions": "op"}, "op2": {"password": "op", "permissions": "op"}},
         "wildcard-user": {"password": "w", "permissions": "present"}}
        """;

    private static JsonObject Action(string type, string kind, string? dest = null, JsonNode? value = null)
    {
        var m = new JsonObject { ["type"] = type, ["kind"] = kind };
        if (dest is not null) m["dest"] = dest;
        if (value is not null) m["value"] = value;
        return m;
    }

    [Fact]
    public async Task Operator_kicks_with_a_message()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var op = await s.JoinAsync("g", "op", "op");
        await using var bob = await s.JoinAsync("g", "bob", "w");
        await op.SendAsync(Action("useraction", "kick", bob.Id, "please rejoin"));
        var all = await bob.ReceiveUntilClosedAsync();
        var kicked = Assert.Single(all, m => m.Str("kind") == "kicked");
        Assert.Equal((op.Id, "op", bob.Id, "please rejoin"), (kicked.Str("id"), kicked.Str("username"), kicked.Str("dest"), kicked.Str("value")));
        Assert.True((bool)kicked["privileged"]!);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, bob.CloseStatus);
        Assert.Equal("kicked out (please rejoin) by op", bob.CloseDescription);
        var gone = await op.ReceiveAsync("user", where: m => m.Str("kind") == "delete");
        Assert.Equal(bob.Id, gone.Str("id"));
    }

    [Fact]
    public async Task Non_operators_cannot_moderate()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var op = await s.JoinAsync("g", "op", "op");
        await using var bob = await s.JoinAsync("g", "bob", "w");
        foreach (var kind in new[] { "kick", "op", "unop", "present", "unpresent", "shutup", "unshutup", "identify" })
        {
            await bob.SendAsync(Action("useraction", kind, op.Id));
            var error = await bob.ReceiveAsync("usermessage", where: m => m.Str("kind") == "error");
            Assert.Equal("not authorised", error.Str("value"));
        }
        foreach (var kind in new[] { "lock", "unlock", "clearchat", "subgroups", "setdata" })
        {
            await bob.SendAsync(Action("groupaction", kind, value: kind == "setdata" ? new JsonObject() : null));
            Assert.Equal("not authorised", (await bob.ReceiveAsync("usermessage", where: m => m.Str("kind") == "error")).Str("value"));
        }
        await bob.RoundTripAsync();
        Assert.Equal(WebSocketState.Open, op.State);
    }

    [Fact]
    public async Task Permission_actions_change_the_target_and_tell_everyone()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group.Replace("{\"users\"", "{\"allow-recording\": true, \"users\"")));
        await using var op = await s.JoinAsync("g", "op", "op");
        await using var bob = await s.JoinAsync("g", "bob", "w");
        async Task<string[]> Apply(string kind)
        {
            await op.SendAsync(Action("useraction", kind, bob.Id));
            var mine = await bob.ReceiveMessageAsync("joined", where: m => m.Str("kind") == "change");
            Assert.Null(mine.Data);
            var seen = await op.ReceiveAsync("user", where: m => m.Str("kind") == "change" && m.Str("id") == bob.Id);
            Assert.Equal(mine.Permissions ?? [], seen["permissions"].Strings());
            return mine.Permissions?.ToArray() ?? [];
        }
        Assert.Equal(["present", "message", "op", "record"], await Apply("op"));
        Assert.Equal(["present", "message"], await Apply("unop"));
        Assert.Equal(["present"], await Apply("shutup"));
        await bob.SendAsync(Json.Obj("""{"type": "chat", "value": "x"}"""));
        Assert.Equal("not authorised", (await bob.ReceiveAsync("usermessage")).Str("value"));
        Assert.Equal(["present", "message"], await Apply("unshutup"));
        Assert.Equal(["message"], await Apply("unpresent"));
        Assert.Equal(["message", "present"], await Apply("present"));
    }

    [Fact]
    public async Task Unknown_targets_and_pseudo_members_are_reported()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var op = await s.JoinAsync("g", "op", "op");
        await op.SendAsync(Action("useraction", "op", "ghost"));
        Assert.Equal("no such user", (await op.ReceiveAsync("usermessage")).Str("value"));
        await op.SendAsync(Action("useraction", "kick", "ghost"));
        Assert.Equal("no such user", (await op.ReceiveAsync("usermessage")).Str("value"));
        await op.SendAsync(Action("useraction", "identify", "ghost"));
        Assert.Equal("client not found", (await op.ReceiveAsync("usermessage")).Str("value"));
    }

    [Fact]
    public async Task Identify_reveals_the_address_and_warns_the_target()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var op = await s.JoinAsync("g", "op", "op");
        await using var bob = await s.JoinAsync("g", "bob", "w");
        await op.SendAsync(Action("useraction", "identify", bob.Id));
        var info = await op.ReceiveAsync("usermessage", where: m => m.Str("kind") == "userinfo");
        Assert.Equal(bob.Id, info["value"]!["id"]!.GetValue<string>());
        Assert.StartsWith("127.0.0.1:", info["value"]!["address"]!.GetValue<string>());
        var warning = await bob.ReceiveAsync("usermessage", where: m => m.Str("kind") == "warning");
        Assert.Equal("Your IP address has been communicated to user op.", warning.Str("value"));
    }

    [Fact]
    public async Task User_set_data_only_for_oneself()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var a = await s.JoinAsync("g", "ann", "w");
        await using var b = await s.JoinAsync("g", "bob", "w");
        await a.SendAsync(Action("useraction", "setdata", a.Id, new JsonObject { ["raisehand"] = true }));
        var change = await b.ReceiveAsync("user", where: m => m.Str("kind") == "change");
        Assert.True((bool)change["data"]!["raisehand"]!);
        await a.ReceiveAsync("user", where: m => m.Str("kind") == "change");
        await a.SendAsync(Action("useraction", "setdata", a.Id, new JsonObject { ["raisehand"] = null }));
        var removed = await b.ReceiveAsync("user", where: m => m.Str("kind") == "change");
        Assert.Null(removed["data"]);
        await a.SendAsync(Action("useraction", "setdata", b.Id, new JsonObject { ["x"] = 1 }));
        Assert.Equal("not authorised", (await a.ReceiveAsync("usermessage")).Str("value"));
        await a.SendAsync(Action("useraction", "setdata", a.Id, "not an object"));
        Assert.Equal("Bad value in setdata", (await a.ReceiveAsync("usermessage")).Str("value"));
    }

    [Fact]
    public async Task Group_set_data_and_lock_reach_every_member()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var op = await s.JoinAsync("g", "op", "op");
        await using var bob = await s.JoinAsync("g", "bob", "w");
        await op.SendAsync(Action("groupaction", "setdata", value: new JsonObject { ["topic"] = "physics" }));
        var change = await bob.ReceiveMessageAsync("joined", where: m => m.Str("kind") == "change");
        Assert.Equal("physics", (string?)change.Data!["topic"]);
        await op.SendAsync(Action("groupaction", "lock", value: "closed"));
        var locked = await bob.ReceiveMessageAsync("joined", where: m => m.Str("kind") == "change" && m["status"]?["locked"] is not null);
        Assert.True((bool)locked.Status!["locked"]!);
        await op.SendAsync(Action("groupaction", "unlock"));
        var unlocked = await bob.ReceiveMessageAsync("joined", where: m => m.Str("kind") == "change" && m["status"]?["locked"] is null);
        Assert.Equal(2, (int)unlocked.Status!["clientCount"]!);
    }

    [Fact]
    public async Task Subgroups_lists_populated_subgroups()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group.Replace("{\"users\"", "{\"auto-subgroups\": true, \"users\"")));
        await using var op = await s.JoinAsync("g", "op", "op");
        await using var a = await s.JoinAsync("g/a", "x", "w");
        await using var b1 = await s.JoinAsync("g/b", "y", "w");
        await using var b2 = await s.JoinAsync("g/b", "z", "w");
        await op.SendAsync(Action("groupaction", "subgroups"));
        var reply = await op.ReceiveAsync("chat");
        Assert.Equal(("Server", op.Id), (reply.Str("username"), reply.Str("dest")));
        Assert.Equal("g/a (1 client)\ng/b (2 clients)\n", reply.Str("value"));
    }

    [Theory]
    [InlineData("groupaction", "explode", "unknown group action")]
    [InlineData("useraction", "explode", "unknown user action")]
    public async Task Unknown_action_kinds_end_the_connection(string type, string kind, string text)
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var op = await s.JoinAsync("g", "op", "op");
        await op.SendAsync(Action(type, kind, op.Id));
        var all = await op.ReceiveUntilClosedAsync();
        Assert.Contains(all, m => m.Str("kind") == "error" && m.Str("value") == text);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, op.CloseStatus);
        Assert.Equal(text, op.CloseDescription);
    }

    [Fact]
    public async Task Unop_of_the_last_operator_triggers_autolock()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group.Replace("{\"users\"", "{\"autolock\": true, \"users\"")));
        await using var op = await s.JoinAsync("g", "op", "op");
        await op.SendAsync(Action("groupaction", "unlock"));
        await op.ReceiveAsync("joined", where: m => m.Str("kind") == "change");
        await using var bob = await s.JoinAsync("g", "bob", "w");
        await op.SendAsync(Action("useraction", "op", bob.Id));
        await bob.ReceiveAsync("joined", where: m => m.Str("kind") == "change");
        await bob.SendAsync(Action("useraction", "unop", op.Id));
        await bob.SendAsync(Action("useraction", "unop", bob.Id));
        var locked = await bob.ReceiveMessageAsync("joined", where: m => m.Str("kind") == "change" && m["status"]?["locked"] is not null, timeout: TimeSpan.FromSeconds(3));
        Assert.True((bool)locked.Status!["locked"]!);
    }
}
