using System.Text.Json.Nodes;
using Tessera.Protocol;

namespace Tessera.Protocol.Tests.Handlers;

/// <summary><c>groupaction</c> and <c>useraction</c> through the real session and handlers (protocol.md §7, §8, §11), in memory.</summary>
public sealed class ActionHandlerTests : IDisposable
{
    private const string Group = """
        {"users": {"op": {"password": "op", "permissions": "op"}},
         "wildcard-user": {"password": "w", "permissions": "present"}}
        """;

    private readonly ProtocolHost _host = new(("g", Group));

    public void Dispose() => _host.Dispose();

    private static Message GroupAction(string kind, JsonNode? value = null) => new() { Type = MessageTypes.GroupAction, Kind = kind, Value = value };

    private static Message UserAction(string kind, string? dest, JsonNode? value = null) =>
        new() { Type = MessageTypes.UserAction, Kind = kind, Dest = dest, Value = value };

    private static string? ErrorOf(List<Message> received) =>
        (string?)Assert.Single(received, m => m.Type == MessageTypes.UserMessage && m.Kind == "error").Value;

    private async Task<(TestClient Op, TestClient Bob)> OpAndBobAsync(string group = "g")
    {
        var op = await _host.JoinAsync(group, "op", "op");
        var bob = await _host.JoinAsync(group, "bob", "w");
        op.Take();
        return (op, bob);
    }

    [Fact]
    public async Task Lock_and_unlock_by_an_operator_reach_every_member()
    {
        var (op, bob) = await OpAndBobAsync();

        await op.SendAsync(GroupAction("lock", "closed"));
        foreach (var c in new[] { op, bob })
        {
            var change = Assert.Single(c.Take());
            Assert.Equal((MessageTypes.Joined, "change", true), (change.Type, change.Kind, (bool)change.Status!["locked"]!));
        }
        Assert.Equal((true, "closed"), (_host.Registry.Find("g")!.Locked, _host.Registry.Find("g")!.LockMessage));

        await op.SendAsync(GroupAction("unlock"));
        var unlocked = Assert.Single(bob.Take());
        Assert.Null(unlocked.Status!["locked"]);
        Assert.Equal(2, (int)unlocked.Status!["clientCount"]!);
        Assert.False(_host.Registry.Find("g")!.Locked);
    }

    [Fact]
    public async Task Group_actions_of_operators_are_refused_to_others_and_change_nothing()
    {
        var (op, bob) = await OpAndBobAsync();
        await bob.SendAsync(new Message { Type = MessageTypes.Chat, Value = "kept" });
        op.Take();
        bob.Take();

        foreach (var kind in new[] { "lock", "unlock", "clearchat", "subgroups", "setdata" })
        {
            await bob.SendAsync(GroupAction(kind, kind == "setdata" ? new JsonObject { ["topic"] = "x" } : null));
            Assert.Equal(Texts.NotAuthorised, ErrorOf(bob.Take()));
        }

        var group = _host.Registry.Find("g")!;
        Assert.Equal((false, 0), (group.Locked, group.Data.Count));
        Assert.Single(group.History.Read(_host.Clock.GetUtcNow(), TimeSpan.FromDays(1)));
        Assert.Empty(op.Take());
    }

    [Fact]
    public async Task Clearchat_by_an_operator_removes_one_users_history_or_all_and_tells_everyone()
    {
        var (op, ann) = await OpAndBobAsync();
        await ann.SendAsync(new Message { Type = MessageTypes.Chat, Value = "from bob" });
        await op.SendAsync(new Message { Type = MessageTypes.Chat, Value = "from op" });
        ann.Take();
        op.Take();
        var history = _host.Registry.Find("g")!.History;

        await op.SendAsync(GroupAction("clearchat", new JsonObject { ["userId"] = ann.Id }));
        var notice = Assert.Single(ann.Take());
        Assert.Equal(("clearchat", true, ann.Id), (notice.Kind, notice.Privileged, (string?)notice.Value!["userId"]));
        Assert.Equal(["from op"], history.Read(_host.Clock.GetUtcNow(), TimeSpan.FromDays(1)).Select(e => (string?)e.Value));

        await op.SendAsync(GroupAction("clearchat", new JsonObject { ["id"] = "x" }));
        Assert.Equal("bad value in clearchat", ErrorOf(op.Take()));
        await op.SendAsync(GroupAction("clearchat"));
        Assert.Equal("clearchat", Assert.Single(ann.Take()).Kind);
        Assert.Empty(history.Read(_host.Clock.GetUtcNow(), TimeSpan.FromDays(1)));
    }

    [Fact]
    public async Task Group_data_set_by_an_operator_reaches_every_member_and_later_joiners()
    {
        var (op, bob) = await OpAndBobAsync();
        await op.SendAsync(GroupAction("setdata", new JsonObject { ["topic"] = "physics" }));
        Assert.Equal("physics", (string?)Assert.Single(bob.Take()).Data!["topic"]);
        var late = await _host.ConnectAsync();
        Assert.Equal("physics", (string?)(await late.JoinAsync("g", "late", "w"))[0].Data!["topic"]);
        await op.SendAsync(GroupAction("setdata", "not an object"));
        Assert.Equal("Bad value in setdata", ErrorOf(op.Take()));
    }

    [Fact]
    public async Task Recording_is_refused_clearly_and_an_unknown_group_action_ends_the_connection()
    {
        _host.WriteGroup("rec", """{"allow-recording": true, "users": {"op": {"password": "op", "permissions": "op"}}, "wildcard-user": {"password": "w", "permissions": "present"}}""");
        var (op, bob) = await OpAndBobAsync("rec");
        await op.SendAsync(GroupAction("record"));
        Assert.Equal("recording is not available on this server", ErrorOf(op.Take()));
        await bob.SendAsync(GroupAction("record"));
        Assert.Equal(Texts.NotAuthorised, ErrorOf(bob.Take()));

        await op.SendAsync(GroupAction("explode"));
        Assert.Equal("unknown group action", ErrorOf(op.Take()));
        Assert.Equal(new CloseReason(CloseReason.Normal, "unknown group action"), op.Transport.Closed);
    }

    [Fact]
    public async Task An_operator_kicks_with_a_message_the_target_is_told_and_disconnected_and_the_others_see_it_leave()
    {
        var (op, bob) = await OpAndBobAsync();

        await op.SendAsync(UserAction("kick", bob.Id, "please rejoin"));

        var kicked = Assert.Single(bob.Take());
        Assert.Equal(("kicked", op.Id, "op", bob.Id, "please rejoin", true),
                     (kicked.Kind, kicked.Id, kicked.Username, kicked.Dest, (string?)kicked.Value, kicked.Privileged));
        Assert.Equal(new CloseReason(CloseReason.Normal, "kicked out (please rejoin) by op"), bob.Transport.Closed);
        var gone = Assert.Single(op.Take());
        Assert.Equal((MessageTypes.User, "delete", bob.Id), (gone.Type, gone.Kind, gone.Id));
        Assert.False(_host.Registry.Find("g")!.Contains(bob.Id));
    }

    [Fact]
    public async Task Non_operators_cannot_moderate()
    {
        var (op, bob) = await OpAndBobAsync();
        foreach (var kind in new[] { "kick", "op", "unop", "present", "unpresent", "shutup", "unshutup", "identify" })
        {
            await bob.SendAsync(UserAction(kind, op.Id));
            Assert.Equal(Texts.NotAuthorised, ErrorOf(bob.Take()));
        }
        Assert.Empty(op.Take());
        Assert.Null(op.Transport.Closed);
        Assert.Equal(["op", "present", "message", "caption", "token"], op.Session.Permissions);
    }

    [Fact]
    public async Task Permission_actions_change_the_target_tell_it_and_everyone_and_take_effect_at_once()
    {
        _host.WriteGroup("rec", """{"allow-recording": true, "users": {"op": {"password": "op", "permissions": "op"}}, "wildcard-user": {"password": "w", "permissions": "present"}}""");
        var (op, bob) = await OpAndBobAsync("rec");
        async Task<IReadOnlyList<string>> Apply(string kind)
        {
            await op.SendAsync(UserAction(kind, bob.Id));
            var mine = Assert.Single(bob.Take(), m => m.Type == MessageTypes.Joined);
            Assert.Equal("change", mine.Kind);
            Assert.Null(mine.Data);
            var seen = Assert.Single(op.Take());
            Assert.Equal((MessageTypes.User, "change", bob.Id), (seen.Type, seen.Kind, seen.Id));
            Assert.Equal(mine.Permissions ?? [], seen.Permissions ?? []);
            return bob.Session.Permissions;
        }

        Assert.Equal(["present", "message", "op", "record"], await Apply("op"));
        Assert.Equal(["present", "message"], await Apply("unop"));
        Assert.Equal(["present"], await Apply("shutup"));
        await bob.SendAsync(new Message { Type = MessageTypes.Chat, Value = "x" });
        Assert.Equal(Texts.NotAuthorised, ErrorOf(bob.Take()));
        Assert.Equal(["present", "message"], await Apply("unshutup"));
        Assert.Equal(["message"], await Apply("unpresent"));
        Assert.Equal(["message", "present"], await Apply("present"));
    }

    [Fact]
    public async Task Unknown_targets_are_reported_and_an_unknown_user_action_ends_the_connection()
    {
        var op = await _host.JoinAsync("g", "op", "op");
        await op.SendAsync(UserAction("op", "ghost"));
        Assert.Equal("no such user", ErrorOf(op.Take()));
        await op.SendAsync(UserAction("kick", "ghost"));
        Assert.Equal("no such user", ErrorOf(op.Take()));
        await op.SendAsync(UserAction("identify", "ghost"));
        Assert.Equal("client not found", ErrorOf(op.Take()));

        await op.SendAsync(UserAction("explode", op.Id));
        Assert.Equal(new CloseReason(CloseReason.Normal, "unknown user action"), op.Transport.Closed);
    }

    [Fact]
    public async Task Identify_reveals_the_address_to_the_operator_and_warns_the_target()
    {
        var op = await _host.JoinAsync("g", "op", "op");
        var bob = await JoinFromAsync("198.51.100.4:6000");
        op.Take();

        await op.SendAsync(UserAction("identify", bob.Id));

        var info = Assert.Single(op.Take());
        Assert.Equal(("userinfo", bob.Id, "bob", "198.51.100.4:6000"),
                     (info.Kind, (string?)info.Value!["id"], (string?)info.Value!["username"], (string?)info.Value!["address"]));
        var warning = Assert.Single(bob.Take());
        Assert.Equal(("warning", "Your IP address has been communicated to user op."), (warning.Kind, (string?)warning.Value));
    }

    private async Task<TestClient> JoinFromAsync(string remoteAddress)
    {
        var c = await _host.ConnectAsync(remoteAddress: remoteAddress);
        Assert.Equal("join", (await c.JoinAsync("g", "bob", "w"))[0].Kind);
        return c;
    }

    [Fact]
    public async Task A_member_sets_only_its_own_data_and_everyone_sees_it()
    {
        var a = await _host.JoinAsync("g", "ann", "w");
        var b = await _host.JoinAsync("g", "bob", "w");
        a.Take();

        await a.SendAsync(UserAction("setdata", a.Id, new JsonObject { ["raisehand"] = true }));
        Assert.True((bool)Assert.Single(b.Take()).Data!["raisehand"]!);
        Assert.Equal("change", Assert.Single(a.Take()).Kind);
        await a.SendAsync(UserAction("setdata", a.Id, new JsonObject { ["raisehand"] = null }));
        Assert.Null(Assert.Single(b.Take()).Data);
        a.Take();

        await a.SendAsync(UserAction("setdata", b.Id, new JsonObject { ["x"] = 1 }));
        Assert.Equal(Texts.NotAuthorised, ErrorOf(a.Take()));
        await a.SendAsync(UserAction("setdata", a.Id, "not an object"));
        Assert.Equal("Bad value in setdata", ErrorOf(a.Take()));
        Assert.Empty(b.Take());
    }

    [Fact]
    public async Task Unopping_the_last_operator_locks_an_autolock_group()
    {
        _host.WriteGroup("auto", """{"autolock": true, "users": {"op": {"password": "op", "permissions": "op"}}, "wildcard-user": {"password": "w", "permissions": "present"}}""");
        var op = await _host.JoinAsync("auto", "op", "op");
        await op.SendAsync(GroupAction("unlock"));
        var bob = await _host.JoinAsync("auto", "bob", "w");
        await op.SendAsync(UserAction("op", bob.Id));
        await bob.SendAsync(UserAction("unop", op.Id));
        Assert.False(_host.Registry.Find("auto")!.Locked); // bob is still an operator
        bob.Take();

        await bob.SendAsync(UserAction("unop", bob.Id));

        Assert.True(_host.Registry.Find("auto")!.Locked);
        Assert.Contains(bob.Take(), m => m.Type == MessageTypes.Joined && m.Kind == "change" && m.Status?["locked"] is not null);
    }
}
