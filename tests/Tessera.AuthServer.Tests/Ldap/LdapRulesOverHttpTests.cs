using System.Net;
using System.Text.Json.Nodes;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Ldap;

/// <summary>Directory groups mapped to permissions through the rules, end to end over HTTP.</summary>
public sealed class LdapRulesOverHttpTests(TestDirectoryFixture fixture) : IClassFixture<TestDirectoryFixture>
{
    private Task<TestAuthServer> Start(bool fallback = false) => TestAuthServer.StartAsync(c =>
    {
        c["passwordFallback"] = fallback;
        c["backends"] = new JsonArray(
            new JsonObject { ["type"] = "file", ["path"] = "users.json" },
            new JsonObject
            {
                ["type"] = "ldap",
                ["url"] = fixture.Directory.Url,
                ["bindDn"] = TestDirectory.ReaderDn,
                ["bindPassword"] = TestDirectory.ReaderPassword,
                ["base"] = "ou=people," + TestDirectory.Suffix,
                ["groupBase"] = "ou=groups," + TestDirectory.Suffix,
            });
        c["rules"] = JsonNode.Parse("""
            [
              {"groups": "lectures/*", "members": "teachers", "permissions": ["op","present","message","caption","token"]},
              {"groups": "lectures/*", "members": ["students"], "permissions": ["present","message"]},
              {"groups": "**", "members": "staff", "deny": true}
            ]
            """);
    });

    private static string Group(string name) => TestAuthServer.Conference + "group/" + name + "/";

    private static async Task<string[]> Permissions(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return TokenChecks.Claims(await response.Content.ReadAsStringAsync()).GetProperty("permissions")
                          .EnumerateArray().Select(p => p.GetString()!).ToArray();
    }

    [Fact]
    public async Task Directory_groups_select_the_rule()
    {
        await using var server = await Start();
        Assert.Equal(["op", "present", "message", "caption", "token"], await Permissions(await server.PostLoginAsync("alice", "alice-pw", Group("lectures/maths"))));
        Assert.Equal(["present", "message"], await Permissions(await server.PostLoginAsync("bob", "bob-pw", Group("lectures/maths"))));
    }

    [Fact]
    public async Task A_deny_rule_on_a_directory_group_answers_403()
    {
        await using var server = await Start();
        Assert.Equal(HttpStatusCode.Forbidden, (await server.PostLoginAsync("carol", "carol-pw", Group("lectures/maths"))).StatusCode);
    }

    [Fact]
    public async Task A_directory_user_with_no_applicable_rule_is_denied()
    {
        await using var server = await Start();
        Assert.Equal(HttpStatusCode.Forbidden, (await server.PostLoginAsync("alice", "alice-pw", Group("lab"))).StatusCode);
    }

    [Fact]
    public async Task The_users_file_is_asked_first_then_the_directory()
    {
        await using var server = await Start(fallback: true);
        Assert.Equal(HttpStatusCode.OK, (await server.PostLoginAsync("john", "john-pw", Group("lab"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.PostLoginAsync("alice", "wrong", Group("lectures/x"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await server.PostLoginAsync("mallory", "x", Group("lectures/x"))).StatusCode);
    }
}
