using System.Net;
using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>Group files as Galène writes them: reload, errors, inheritance (files.md §4).</summary>
public class GroupFileTests
{
    private const string Users = """ "users": {"op": {"password": "op", "permissions": "op"}, "p": {"password": "p", "permissions": "present"}} """;

    [Fact]
    public async Task Edits_take_effect_without_restart()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", """{"displayName": "Before"}"""));
        var before = JsonNode.Parse(await s.Http.GetStringAsync("/group/g/.status"))!;
        Assert.Equal("Before", (string?)before["displayName"]);
        s.WriteGroup("g", """{"displayName": "After"}""");
        var after = JsonNode.Parse(await s.Http.GetStringAsync("/group/g/.status"))!;
        Assert.Equal("After", (string?)after["displayName"]);
    }

    [Fact]
    public async Task Members_are_told_when_the_description_changes()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", "{" + Users + """, "displayName": "One"}"""));
        await using var c = await s.JoinAsync("g", "p", "p");
        s.WriteGroup("g", "{" + Users + """, "displayName": "Two"}""");
        await s.Http.GetAsync("/group/g/.status");
        var change = await c.ReceiveMessageAsync("joined", where: m => m.Str("kind") == "change");
        Assert.Equal("Two", (string?)change.Status!["displayName"]);
    }

    [Fact]
    public async Task Malformed_file_breaks_only_that_group_and_is_logged_clearly()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("good", "{" + Users + "}");
            f.Group("typo", """{"displayNme": "x"}""");
            f.Group("badtype", """{"max-clients": "ten"}""");
            f.Group("baddate", """{"expires": "2026-09-01"}""");
        });
        Assert.Equal(HttpStatusCode.InternalServerError, (await s.Http.GetAsync("/group/typo/.status")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await s.Http.GetAsync("/group/badtype/.status")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await s.Http.GetAsync("/group/baddate/")).StatusCode);
        await using var c = await s.ConnectAsync();
        var failed = await c.JoinAsync("typo", "op", "op");
        Assert.Equal(("fail", "internal server error"), (failed.Kind, (string?)failed.Value));
        await using var ok = await s.JoinAsync("good", "op", "op");
    }

    [Fact]
    public async Task A_bad_edit_keeps_the_last_good_version()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", "{" + Users + """, "displayName": "Good"}"""));
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync("/group/g/.status")).StatusCode);
        s.WriteGroup("g", """{"displayName": "Broken",""");
        var status = JsonNode.Parse(await s.Http.GetStringAsync("/group/g/.status"))!;
        Assert.Equal("Good", (string?)status["displayName"]);
        await using var c = await s.JoinAsync("g", "op", "op");
    }

    [Fact]
    public async Task Removed_file_means_no_new_joins_but_members_stay()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", "{" + Users + "}"));
        await using var member = await s.JoinAsync("g", "op", "op");
        File.Delete(Path.Combine(s.GroupsDir, "g.json"));
        await using var late = await s.ConnectAsync();
        Assert.Equal("group does not exist", (string?)(await late.JoinAsync("g", "op", "op")).Value);
        await member.SendAsync(Json.Obj("""{"type":"ping"}"""));
        await member.ReceiveAsync("pong");
    }

    [Fact]
    public async Task Auto_subgroups_inherit_the_nearest_ancestor()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("school", "{" + Users + """, "auto-subgroups": true, "public": true, "description": "Top"}""");
            f.Group("school/lab", "{" + Users + """, "displayName": "Lab"}""");
            f.Group("legacy", "{" + Users + """, "allow-subgroups": true}""");
        });
        var sub = JsonNode.Parse(await s.Http.GetStringAsync("/group/school/maths/.status"))!.AsObject();
        Assert.Equal("school/maths", sub.Str("name"));
        Assert.False(sub.ContainsKey("description")); // blanked
        Assert.False(sub.ContainsKey("clientCount")); // not public
        await using var c = await s.JoinAsync("school/maths/monday", "p", "p");
        // school/lab exists without auto-subgroups: its children do not, whatever school says.
        Assert.Equal(HttpStatusCode.NotFound, (await s.Http.GetAsync("/group/school/lab/x/.status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync("/group/legacy/x/.status")).StatusCode);
        // Auto-subgroups are never listed as public.
        var list = JsonNode.Parse(await s.Http.GetStringAsync("/public-groups.json"))!.AsArray();
        Assert.Equal(["school"], list.Select(g => (string)g!["name"]!));
    }

    [Fact]
    public async Task Legacy_user_lists_are_converted()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("old",
            """{"op": [{"username": "boss", "password": "b"}], "presenter": [{"username": "pres", "password": "p"}], "other": [{"password": "guest"}]}"""));
        await using var boss = await s.ConnectAsync();
        Assert.Contains("op", (await boss.JoinAsync("old", "boss", "b")).Permissions!);
        await using var pres = await s.ConnectAsync();
        Assert.Equal(["present", "message"], (await pres.JoinAsync("old", "pres", "p")).Permissions!);
        await using var guest = await s.ConnectAsync();
        Assert.Equal(["message"], (await guest.JoinAsync("old", "anyone", "guest")).Permissions!);
    }

    [Fact]
    public async Task Server_wide_delegation_applies_to_groups_that_set_none()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Config("""{"authServer": "https://auth.example/server-wide", "authPortal": "https://portal.example/"}""");
            f.Group("plain", "{}");
            f.Group("own", """{"authServer": "https://auth.example/own"}""");
        });
        var plain = JsonNode.Parse(await s.Http.GetStringAsync("/group/plain/.status"))!;
        Assert.Equal("https://auth.example/server-wide", (string?)plain["authServer"]);
        Assert.Equal("https://portal.example/", (string?)plain["authPortal"]);
        var own = JsonNode.Parse(await s.Http.GetStringAsync("/group/own/.status"))!;
        Assert.Equal("https://auth.example/own", (string?)own["authServer"]);
        Assert.Null(own["authPortal"]); // a group that sets one uses its own values for all three
        var page = await s.Http.GetAsync("/group/plain/");
        Assert.StartsWith("connect-src https://auth.example/server-wide ws:", page.Headers.GetValues("Content-Security-Policy").Single());
    }
}
