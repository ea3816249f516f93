using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tessera.Protocol;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>Password joins and the order of join checks (auth.md §2–§4, protocol.md §4).</summary>
public class JoinTests
{
    private static string Pbkdf2(string password)
    {
        var salt = Encoding.ASCII.GetBytes("saltsalt");
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, 4096, HashAlgorithmName.SHA256, 32);
        return $$"""{"type": "pbkdf2", "hash": "sha-256", "key": "{{Convert.ToHexString(key).ToLowerInvariant()}}", "salt": "{{Convert.ToHexString(salt)}}", "iterations": 4096}""";
    }

    private static readonly string Group = $$$"""
        {"users": {
            "plain": {"password": "secret", "permissions": "present"},
            "object": {"password": {"type": "plain", "key": "k"}, "permissions": "message"},
            "hashed": {"password": {{{Pbkdf2("pw")}}}, "permissions": "op"},
            "bcrypt": {"password": {"type": "bcrypt", "key": "{{{BCrypt.Net.BCrypt.HashPassword("bc", 4)}}}"}, "permissions": ["present"]},
            "broken": {"password": {"type": "pbkdf2", "hash": "sha-256", "key": "zz", "salt": "00", "iterations": 1}},
            "nopass": {"permissions": "op"},
            "": {"password": "anon", "permissions": "observe"}
         },
         "wildcard-user": {"password": "guests", "permissions": "message"}}
        """;

    private static Task<TestServer> Start(string json = "") =>
        TestServer.StartAsync(f => f.Group("g", json == "" ? Group : json));

    private static async Task<Message> Join(TestServer s, string? user, string? password, string group = "g")
    {
        await using var c = await s.ConnectAsync();
        return await c.JoinAsync(group, user, password);
    }

    [Theory]
    [InlineData("plain", "secret", new[] { "present", "message" })]
    [InlineData("object", "k", new[] { "message" })]
    [InlineData("hashed", "pw", new[] { "op", "present", "message", "caption", "token" })]
    [InlineData("bcrypt", "bc", new[] { "present" })]
    [InlineData("", "anon", new string[0])]
    [InlineData("visitor", "guests", new[] { "message" })]
    public async Task Each_password_form_logs_in(string user, string password, string[] permissions)
    {
        await using var s = await Start();
        var joined = await Join(s, user, password);
        Assert.Equal("join", joined.Kind);
        Assert.Equal(user, joined.Username);
        Assert.Equal(permissions, joined.Permissions ?? []);
    }

    [Theory]
    [InlineData("plain", "Secret")]
    [InlineData("plain", "")]
    [InlineData("hashed", "PW")]
    [InlineData("bcrypt", "bcx")]
    [InlineData("nopass", "")]
    [InlineData("plain", "guests")] // a configured user cannot come in through the wildcard
    [InlineData("visitor", "wrong")]
    public async Task Wrong_passwords_are_refused_after_a_delay(string user, string password)
    {
        await using var s = await Start();
        var clock = Stopwatch.StartNew();
        var joined = await Join(s, user, password);
        Assert.Equal(("fail", "not authorised"), (joined.Kind, (string?)joined.Value));
        Assert.Null(joined.Error);
        Assert.True(clock.ElapsedMilliseconds >= 190, $"answered after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Malformed_stored_password_is_an_internal_error()
    {
        await using var s = await Start();
        Assert.Equal("internal server error", (string?)(await Join(s, "broken", "x")).Value);
    }

    [Fact]
    public async Task Named_sets_are_augmented_by_group_options()
    {
        await using var s = await Start("""
            {"allow-recording": true, "unrestricted-tokens": true,
             "users": {"o": {"password": "o", "permissions": "op"}, "p": {"password": "p", "permissions": "present"},
                       "x": {"password": "x", "permissions": ["op"]}}}
            """);
        Assert.Equal(["record", "op", "present", "message", "caption", "token"], (await Join(s, "o", "o")).Permissions!);
        Assert.Equal(["token", "present", "message"], (await Join(s, "p", "p")).Permissions!);
        Assert.Equal(["op"], (await Join(s, "x", "x")).Permissions!);
    }

    [Theory]
    [InlineData("/root")]
    [InlineData("a/../b")]
    [InlineData("trailing/")]
    [InlineData("C:\\x")]
    public async Task Invalid_usernames_are_refused(string username)
    {
        await using var s = await Start("""{"wildcard-user": {"password": {"type": "wildcard"}, "permissions": "present"}}""");
        Assert.Equal("not authorised", (string?)(await Join(s, username, "any")).Value);
    }

    [Fact]
    public async Task Valid_unusual_usernames_are_accepted()
    {
        await using var s = await Start("""{"wildcard-user": {"password": {"type": "wildcard"}, "permissions": "present"}}""");
        Assert.Equal("join", (await Join(s, "Alice c/o Bob", "")).Kind);
        Assert.Equal("join", (await Join(s, "jch@work", "")).Kind);
    }

    [Theory]
    [InlineData("nope", "group does not exist")]
    [InlineData("a//b", "illegal group name")]
    [InlineData("../etc", "illegal group name")]
    [InlineData("", "illegal group name")]
    public async Task Group_name_and_existence_checks_come_first(string group, string text)
    {
        await using var s = await Start();
        var joined = await Join(s, "plain", "secret", group);
        Assert.Equal(("fail", text), (joined.Kind, (string?)joined.Value));
    }

    [Fact]
    public async Task Join_without_username_or_token_is_an_internal_error()
    {
        await using var s = await Start();
        Assert.Equal("internal server error", (string?)(await Join(s, null, "secret")).Value);
    }

    [Fact]
    public async Task Joined_sequence_follows_the_spec_order()
    {
        await using var s = await Start();
        await using var first = await s.JoinAsync("g", "plain", "secret");
        await first.SendAsync(Json.Obj("""{"type": "chat", "kind": "", "value": "hello"}"""));
        await first.ReceiveAsync("chat");

        await using var second = await s.ConnectAsync();
        await second.SendAsync(Json.Obj("""{"type":"join","kind":"join","group":"g","username":"object","password":"k","data":{"raisehand":true}}"""));
        var sequence = new List<JsonObject>();
        for (var i = 0; i < 4; i++) sequence.Add(await second.NextAsync());
        Assert.Equal(["joined", "chathistory", "user", "user"], sequence.Select(m => m.Str("type")));
        var history = sequence[1];
        Assert.Equal("hello", history.Str("value"));
        Assert.Equal(first.Id, history.Str("source"));
        Assert.Null(history["privileged"]);
        var self = sequence[2];
        Assert.Equal((second.Id, "add"), (self.Str("id"), self.Str("kind")));
        Assert.True((bool)self["data"]!["raisehand"]!);
        var other = sequence[3];
        Assert.Equal((first.Id, "plain"), (other.Str("id"), other.Str("username")));

        var announced = await first.ReceiveAsync("user", where: m => m.Str("id") == second.Id);
        Assert.Equal("add", announced.Str("kind"));
        Assert.Equal("object", announced.Str("username"));
        var joined = WsClient.Decode(sequence[0]);
        Assert.Equal(2, (int)joined.Status!["clientCount"]!);
        Assert.NotNull(joined.RtcConfiguration!["iceServers"]);
    }

    [Fact]
    public async Task Locked_group_refuses_non_operators_with_the_lock_message()
    {
        await using var s = await Start();
        await using var op = await s.JoinAsync("g", "hashed", "pw");
        await op.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "lock", "value": "exam in progress"}"""));
        await op.ReceiveAsync("joined", where: m => m.Str("kind") == "change");
        Assert.Equal("exam in progress", (string?)(await Join(s, "plain", "secret")).Value);
        Assert.Equal("join", (await Join(s, "hashed", "pw")).Kind); // operators bypass the lock
        await op.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "lock"}"""));
        await op.ReceiveAsync("joined", where: m => m.Str("kind") == "change");
        Assert.Equal("this group is locked", (string?)(await Join(s, "plain", "secret")).Value);
    }

    [Fact]
    public async Task Credentials_are_checked_before_the_lock()
    {
        await using var s = await Start();
        await using var op = await s.JoinAsync("g", "hashed", "pw");
        await op.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "lock"}"""));
        await op.ReceiveAsync("joined", where: m => m.Str("kind") == "change");
        Assert.Equal("not authorised", (string?)(await Join(s, "plain", "wrong")).Value);
    }

    [Fact]
    public async Task Dates_open_and_close_the_group_for_non_operators()
    {
        var ops = """ "users": {"o": {"password": "o", "permissions": "op"}, "p": {"password": "p", "permissions": "present"}} """;
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("future", "{" + ops + """, "not-before": "2999-01-01T00:00:00Z"}""");
            f.Group("past", "{" + ops + """, "expires": "2000-01-01T00:00:00+02:00"}""");
        });
        Assert.Equal("this group is not open yet", (string?)(await Join(s, "p", "p", "future")).Value);
        Assert.Equal("this group is closed", (string?)(await Join(s, "p", "p", "past")).Value);
        Assert.Equal("join", (await Join(s, "o", "o", "future")).Kind);
        Assert.Equal("join", (await Join(s, "o", "o", "past")).Kind);
    }

    [Fact]
    public async Task Max_clients_counts_everyone_but_operators_bypass_it()
    {
        await using var s = await Start("""{"max-clients": 2, "users": {"o": {"password": "o", "permissions": "op"}}, "wildcard-user": {"password": "w", "permissions": "present"}}""");
        await using var a = await s.JoinAsync("g", "a", "w");
        await using var b = await s.JoinAsync("g", "b", "w");
        Assert.Equal("too many users", (string?)(await Join(s, "c", "w")).Value);
        await using var o = await s.JoinAsync("g", "o", "o");
    }

    [Fact]
    public async Task Autokick_refuses_without_operator_and_empties_the_group_when_the_last_one_leaves()
    {
        await using var s = await Start("""{"autokick": true, "users": {"o": {"password": "o", "permissions": "op"}}, "wildcard-user": {"password": "w", "permissions": "present"}}""");
        Assert.Equal("there are no operators in this group", (string?)(await Join(s, "a", "w")).Value);
        var op = await s.JoinAsync("g", "o", "o");
        await using var a = await s.JoinAsync("g", "a", "w");
        await op.DisposeAsync();
        var kicked = await a.ReceiveAsync("usermessage", where: m => m.Str("kind") == "kicked");
        Assert.Equal("there are no operators in this group", kicked.Str("value"));
        Assert.Null(kicked["id"]);
        await a.ReceiveUntilClosedAsync();
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, a.CloseStatus);
    }

    [Fact]
    public async Task Autolock_locks_when_no_operator_remains()
    {
        await using var s = await Start("""{"autolock": true, "users": {"o": {"password": "o", "permissions": "op"}}, "wildcard-user": {"password": "w", "permissions": "present"}}""");
        Assert.Equal("this group is locked", (string?)(await Join(s, "a", "w")).Value); // empty, so locked
        var op = await s.JoinAsync("g", "o", "o");
        await op.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "unlock"}"""));
        await op.ReceiveAsync("joined", where: m => m.Str("kind") == "change");
        await using var a = await s.JoinAsync("g", "a", "w");
        await op.DisposeAsync();
        var change = await a.ReceiveMessageAsync("joined", where: m => m.Str("kind") == "change");
        Assert.True((bool)change.Status!["locked"]!);
        Assert.Equal("this group is locked", (string?)(await Join(s, "b", "w")).Value);
    }

    [Fact]
    public async Task Redirect_group_answers_redirect_and_never_admits()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("old", """{"redirect": "https://elsewhere.example/group/new/"}""");
            f.Group("g", Group);
        });
        await using var c = await s.ConnectAsync();
        var joined = await c.JoinAsync("old", "x", "y");
        Assert.Equal(("redirect", "https://elsewhere.example/group/new/"), (joined.Kind, (string?)joined.Value));
        // Not a member of anything: it can still join another group.
        Assert.Equal("join", (await c.JoinAsync("g", "plain", "secret")).Kind);
    }

    [Fact]
    public async Task Duplicate_client_id_is_refused()
    {
        await using var s = await Start();
        await using var a = await s.JoinAsync("g", "plain", "secret", id: "same-id");
        await using var b = await s.ConnectAsync(id: "same-id");
        Assert.Equal("internal server error", (string?)(await b.JoinAsync("g", "plain", "secret")).Value);
    }

    [Fact]
    public async Task A_refused_client_holds_no_state()
    {
        await using var s = await Start();
        await using var c = await s.ConnectAsync();
        Assert.Equal("fail", (await c.JoinAsync("g", "plain", "nope")).Kind);
        await c.SendAsync(Json.Obj("""{"type": "chat", "value": "sneaky"}"""));
        var error = await c.ReceiveAsync("usermessage");
        Assert.Equal(("error", "join a group first"), (error.Str("kind"), error.Str("value")));
        await c.SendAsync(Json.Obj("""{"type": "offer", "id": "s1", "sdp": "v=0"}"""));
        Assert.Equal("join a group first", (await c.ReceiveAsync("usermessage")).Str("value"));
    }

    [Fact]
    public async Task Leave_and_join_again()
    {
        await using var s = await Start();
        await using var watcher = await s.JoinAsync("g", "object", "k");
        await using var c = await s.JoinAsync("g", "plain", "secret");
        await c.SendAsync(Json.Obj("""{"type": "join", "kind": "leave", "group": "g"}"""));
        var left = await c.ReceiveMessageAsync("joined", where: m => m.Str("kind") == "leave");
        Assert.Equal("g", left.Group);
        Assert.Null(left.Permissions);
        var deleted = await watcher.ReceiveAsync("user", where: m => m.Str("kind") == "delete");
        Assert.Equal(c.Id, deleted.Str("id"));
        Assert.Null(deleted["permissions"]);
        Assert.Equal("join", (await c.JoinAsync("g", "plain", "secret")).Kind);
    }

    [Fact]
    public async Task Joining_twice_or_leaving_the_wrong_group_ends_the_connection()
    {
        await using var s = await Start();
        await using var c = await s.JoinAsync("g", "plain", "secret");
        await c.SendAsync(Json.Obj("""{"type": "join", "kind": "join", "group": "g", "username": "plain", "password": "secret"}"""));
        var all = await c.ReceiveUntilClosedAsync();
        Assert.Contains(all, m => m.Str("kind") == "error" && m.Str("value") == "cannot join multiple groups");
        Assert.Equal((System.Net.WebSockets.WebSocketCloseStatus)1002, c.CloseStatus);

        await using var d = await s.JoinAsync("g", "plain", "secret");
        await d.SendAsync(Json.Obj("""{"type": "join", "kind": "leave", "group": "other"}"""));
        await d.ReceiveUntilClosedAsync();
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, d.CloseStatus);
        Assert.Equal("you are not joined", d.CloseDescription);
    }
}
