using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>Stateful (invitation) tokens over the protocol and in the store file (auth.md §6, protocol.md §9).</summary>
public class InvitationTests
{
    private const string Group = """
        {"users": {"prof": {"password": "p", "permissions": "op"}, "pres": {"password": "p", "permissions": "present"}}}
        """;

    private static JsonObject MakeToken(JsonObject value) =>
        new() { ["type"] = "groupaction", ["kind"] = "maketoken", ["value"] = value };

    private static async Task<JsonObject> Reply(WsClient c, string kind = "token") =>
        await c.ReceiveAsync("usermessage", where: m => m.Str("kind") == kind);

    [Fact]
    public async Task Operator_invites_a_guest_who_joins_with_the_link()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("lab", Group));
        await using var prof = await s.JoinAsync("lab", "prof", "p");
        await prof.SendAsync(MakeToken(new JsonObject
        {
            ["group"] = "lab", ["username"] = "guest", ["permissions"] = new JsonArray("present", "message"), ["expires"] = 86_400_000,
        }));
        var reply = await Reply(prof);
        Assert.True((bool)reply["privileged"]!);
        Assert.Null(reply["error"]);
        var token = reply["value"]!.AsObject();
        Assert.Equal(("lab", "guest", "prof"), (token.Str("group"), token.Str("username"), token.Str("issuedBy")));
        Assert.True(token.Str("token")!.Length >= 11);
        Assert.Contains(token.Str("token")!, await File.ReadAllTextAsync(Path.Combine(s.DataDir, "var", "tokens.jsonl")));

        await using var guest = await s.ConnectAsync();
        var joined = await guest.JoinAsync("lab", "whoever", token: token.Str("token"));
        Assert.Equal(("join", "guest"), (joined.Kind, joined.Username));
        Assert.Equal(["present", "message"], joined.Permissions!);
    }

    [Fact]
    public async Task Token_without_username_asks_for_one()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("lab", Group));
        await using var prof = await s.JoinAsync("lab", "prof", "p");
        await prof.SendAsync(MakeToken(new JsonObject { ["group"] = "lab", ["permissions"] = new JsonArray("message"), ["expires"] = 60_000 }));
        var token = (await Reply(prof))["value"]!.Str("token")!;
        await using var guest = await s.ConnectAsync();
        var probe = await guest.JoinAsync("lab", null, token: token);
        Assert.Equal(("need-username", "username required"), (probe.Error, (string?)probe.Value));
        Assert.Equal("Dora", (await guest.JoinAsync("lab", "Dora", token: token)).Username);
        await using var imposter = await s.ConnectAsync();
        Assert.Equal("duplicate-username", (await imposter.JoinAsync("lab", "prof", token: token)).Error);
    }

    [Fact]
    public async Task Token_creation_rules()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("lab", Group));
        await using var prof = await s.JoinAsync("lab", "prof", "p");
        async Task<JsonObject> Make(string json)
        {
            await prof.SendAsync(MakeToken(Json.Obj(json)));
            return await Reply(prof);
        }
        Assert.Equal("token doesn't expire", (await Make("""{"group": "lab"}""")).Str("value"));
        Assert.Equal("wrong group in token", (await Make("""{"group": "other", "expires": 1000}""")).Str("value"));
        Assert.Equal("client specified token", (await Make("""{"group": "lab", "token": "mine", "expires": 1000}""")).Str("value"));
        Assert.Equal("that username is taken", (await Make("""{"group": "lab", "username": "pres", "expires": 1000}""")).Str("value"));
        Assert.Equal("not-authorised", (await Make("""{"group": "lab", "permissions": ["admin"], "expires": 1000}""")).Str("error"));

        await using var pres = await s.JoinAsync("lab", "pres", "p");
        await pres.SendAsync(MakeToken(Json.Obj("""{"group": "lab", "expires": 1000}""")));
        Assert.Equal("not-authorised", (await Reply(pres)).Str("error"));
    }

    [Fact]
    public async Task Unrestricted_tokens_let_presenters_invite()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("lab", Group.Replace("{\"users\"", "{\"unrestricted-tokens\": true, \"users\"")));
        await using var pres = await s.JoinAsync("lab", "pres", "p");
        await pres.SendAsync(MakeToken(Json.Obj("""{"group": "lab", "permissions": ["present"], "expires": 60000}""")));
        Assert.NotNull((await Reply(pres))["value"]!.Str("token"));
    }

    [Fact]
    public async Task Revoked_and_listed_tokens()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("lab", Group));
        await using var prof = await s.JoinAsync("lab", "prof", "p");
        await prof.SendAsync(MakeToken(Json.Obj("""{"group": "lab", "username": "g", "permissions": ["message"], "expires": 60000}""")));
        var token = (await Reply(prof))["value"]!.Str("token")!;

        await prof.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "listtokens"}"""));
        var list = (await Reply(prof, "tokenlist"))["value"]!.AsArray();
        Assert.Equal([token], list.Select(t => (string)t!["token"]!));

        await prof.SendAsync(new JsonObject { ["type"] = "groupaction", ["kind"] = "edittoken", ["value"] = new JsonObject { ["token"] = token, ["expires"] = -1000 } });
        Assert.Equal(token, (await Reply(prof))["value"]!.Str("token"));
        await using var guest = await s.ConnectAsync();
        Assert.Equal("not authorised", (string?)(await guest.JoinAsync("lab", null, token: token)).Value);

        await prof.SendAsync(new JsonObject { ["type"] = "groupaction", ["kind"] = "edittoken", ["value"] = new JsonObject { ["token"] = token, ["username"] = "x" } });
        Assert.Equal("this field cannot be edited", (await Reply(prof)).Str("value"));
        await prof.SendAsync(new JsonObject { ["type"] = "groupaction", ["kind"] = "edittoken", ["value"] = new JsonObject { ["token"] = "nope", ["expires"] = 1000 } });
        Assert.Equal("file does not exist", (await Reply(prof)).Str("value"));
    }

    [Fact]
    public async Task Tokens_written_by_other_tools_are_picked_up()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("lab", Group));
        var path = Path.Combine(s.DataDir, "var", "tokens.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Galène's own format, as galenectl would append it.
        await File.WriteAllTextAsync(path,
            """{"token":"q8Xr2mWl0aE","group":"lab","username":"visitor","permissions":["present","message"],"expires":"2999-07-30T09:00:00Z","issuedAt":"2026-07-29T09:00:00.617390123Z","issuedBy":"prof"}""" + "\n" +
            """{"token":"everywhere1","group":"","includeSubgroups":true,"username":"roamer","permissions":["message"],"expires":"2999-07-30T09:00:00+02:00"}""" + "\n");
        await using var c = await s.ConnectAsync();
        Assert.Equal("visitor", (await c.JoinAsync("lab", null, token: "q8Xr2mWl0aE")).Username);
        await using var d = await s.ConnectAsync();
        Assert.Equal("roamer", (await d.JoinAsync("lab", null, token: "everywhere1")).Username);
        await using var e = await s.ConnectAsync();
        Assert.Equal("not authorised", (string?)(await e.JoinAsync("lab", "x", token: "unknown-token")).Value);
    }
}
