using System.Net;
using System.Text.Json.Nodes;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Ldap;

/// <summary>
/// A directory matches "Alice", " alice" and fullwidth "ａｌｉｃｅ" to the account "alice":
/// rules, the throttle and the token's subject must all see that one account, through a real
/// slapd and real HTTP.
/// </summary>
public sealed class CanonicalNameTests(TestDirectoryFixture fixture) : IClassFixture<TestDirectoryFixture>
{
    private static readonly string Lab = TestAuthServer.Conference + "group/lab/";

    private Task<TestAuthServer> Start(bool searchMode) => TestAuthServer.StartAsync(c =>
    {
        var ldap = new JsonObject { ["type"] = "ldap", ["url"] = fixture.Directory.Url };
        if (searchMode)
        {
            ldap["bindDn"] = TestDirectory.ReaderDn;
            ldap["bindPassword"] = TestDirectory.ReaderPassword;
            ldap["base"] = "ou=people," + TestDirectory.Suffix;
        }
        else ldap["userDn"] = "uid={0},ou=people," + TestDirectory.Suffix;
        c["backends"] = new JsonArray(ldap);
        c["rules"] = JsonNode.Parse("""
            [
              {"users": "alice", "deny": true},
              {"permissions": "op"}
            ]
            """);
    });

    public static TheoryData<bool, string> Spellings() => new()
    {
        { false, "Alice" }, { false, " alice" }, { false, "alice " }, { false, "ALICE" },
        { true, "Alice" }, { true, " alice" }, { true, "alice " }, { true, "ａｌｉｃｅ" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public async Task A_deny_rule_cannot_be_bypassed_by_retyping_the_name(bool searchMode, string spelling)
    {
        await using var server = await Start(searchMode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.PostLoginAsync(spelling, "alice-pw", Lab)).StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_token_names_the_account_as_the_directory_stores_it(bool searchMode)
    {
        await using var server = await Start(searchMode);
        var response = await server.PostLoginAsync(" BOB ", "bob-pw", Lab);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("bob", TokenChecks.Claims(await response.Content.ReadAsStringAsync()).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Retyped_spellings_share_one_throttle_allowance()
    {
        await using var server = await Start(searchMode: true);
        foreach (var spelling in new[] { "bob", "Bob", " bob", "bob ", "BOB" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.PostLoginAsync(spelling, "guess", Lab)).StatusCode);
        // Five failures for the one account: the sixth attempt waits, whatever the spelling.
        Assert.Equal((HttpStatusCode)429, (await server.PostLoginAsync("bOb", "bob-pw", Lab)).StatusCode);
    }
}
