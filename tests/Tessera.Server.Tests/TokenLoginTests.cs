using System.Text.Json.Nodes;
using Tessera.Protocol;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>
/// Cryptographic-token joins through the real WebSocket (auth.md §5): tokens minted by a standard
/// JOSE library log in; tokens outside the rules do not. Per-rule attack cases on the verifier
/// itself are in Tessera.Auth.Tests.
/// </summary>
public class TokenLoginTests
{
    private static string GroupWithKeys(params Tokens[] keys) =>
        new JsonObject
        {
            ["users"] = new JsonObject { ["admin"] = new JsonObject { ["password"] = "pw", ["permissions"] = "op" } },
            ["authKeys"] = new JsonArray(keys.Select(k => (JsonNode)k.PublicJwk.DeepClone()).ToArray()),
        }.ToJsonString();

    private static async Task<Message> Join(TestServer s, string group, string token, string? username = null)
    {
        await using var c = await s.ConnectAsync();
        return await c.JoinAsync(group, username, token: token);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task Tokens_from_a_standard_library_log_in(string alg)
    {
        var keys = alg switch { "HS256" => Tokens.Hs256(), "ES256" => Tokens.Es256(), _ => Tokens.Rs256() };
        await using var s = await TestServer.StartAsync(f => f.Group("lab", GroupWithKeys(keys)));
        var joined = await Join(s, "lab", keys.Mint(s.Url.Authority, "lab", permissions: ["present", "message", "caption"]), "ignored");
        Assert.Equal("join", joined.Kind);
        Assert.Equal("alice", joined.Username); // sub overrides the username sent
        Assert.Equal(["present", "message", "caption"], joined.Permissions!); // verbatim, not expanded
    }

    [Fact]
    public async Task Tokens_outside_the_rules_are_refused()
    {
        var good = Tokens.Es256();
        var other = Tokens.Es256("other");
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("lab", GroupWithKeys(good));
            f.Group("other", GroupWithKeys(good));
        });
        var host = s.Url.Authority;
        var refused = new Dictionary<string, string>
        {
            ["alg none"] = Tokens.Unsigned($$"""{"sub":"x","aud":"http://{{host}}/group/lab/","exp":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 30}}}"""),
            ["alg NONE"] = Tokens.Unsigned($$"""{"sub":"x","aud":"http://{{host}}/group/lab/","exp":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 30}}}""", "NONE"),
            ["unknown key"] = other.Mint(host, "lab"),
            ["expired"] = good.Mint(host, "lab", edit: c => c["exp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60),
            ["no exp"] = good.Mint(host, "lab", edit: c => c.Remove("exp")),
            ["future iat"] = good.Mint(host, "lab", edit: c => c["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60),
            ["future nbf"] = good.Mint(host, "lab", edit: c => c["nbf"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60),
            ["other group"] = good.Mint(host, "other"),
            ["no trailing slash"] = good.Mint(host, "lab", edit: c => c["aud"] = $"http://{host}/group/lab"),
            ["permissions as string"] = good.Mint(host, "lab", edit: c => c["permissions"] = "present"),
            // Validly signed, but no clock reaches these instants: a refusal, not a closed socket.
            ["exp 1e20"] = good.Mint(host, "lab", edit: c => c["exp"] = 1e20),
            ["exp 2^63"] = good.Mint(host, "lab", edit: c => c["exp"] = Math.Pow(2, 63)),
        };
        foreach (var (what, token) in refused)
        {
            var joined = await Join(s, "lab", token);
            Assert.True(joined.Kind == "fail" && (string?)joined.Value == "not authorised", $"{what}: {joined.Kind} {joined.Value}");
        }
        var tampered = good.Mint(host, "lab");
        var parts = tampered.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1]))
            .Replace("\"present\"", "\"op\"");
        var forged = parts[0] + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload) + "." + parts[2];
        Assert.Equal("not authorised", (string?)(await Join(s, "lab", forged)).Value);
    }

    [Fact]
    public async Task Subgroup_tokens_and_canonical_host()
    {
        var key = Tokens.Hs256();
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("school", GroupWithKeys(key).TrimEnd('}') + ", \"auto-subgroups\": true}");
            f.Config("""{"canonicalHost": "meet.example.net:8443"}""");
        });
        string Aud(string path) => $"https://meet.example.net:8443{path}";
        var wide = key.Mint("x", "x", edit: c => { c["aud"] = Aud("/group/school/"); c["include-subgroups"] = true; });
        Assert.Equal("join", (await Join(s, "school/maths", wide)).Kind);
        var narrow = key.Mint("x", "x", edit: c => c["aud"] = Aud("/group/school/"));
        Assert.Equal("not authorised", (string?)(await Join(s, "school/maths", narrow)).Value);
        var wrongHost = key.Mint("x", "x", edit: c => c["aud"] = "https://other.example:8443/group/school/");
        Assert.Equal("not authorised", (string?)(await Join(s, "school", wrongHost)).Value);
        var array = key.Mint("x", "x", edit: c => c["aud"] = new[] { "https://nowhere.example/", Aud("/group/school/") });
        Assert.Equal("join", (await Join(s, "school", array)).Kind);
    }

    [Fact]
    public async Task Token_without_sub_uses_the_join_username_unless_it_is_a_configured_user()
    {
        var key = Tokens.Hs256();
        await using var s = await TestServer.StartAsync(f => f.Group("lab", GroupWithKeys(key)));
        var token = key.Mint(s.Url.Authority, "lab", sub: null);
        Assert.Equal("bob", (await Join(s, "lab", token, "bob")).Username);
        Assert.Equal("", (await Join(s, "lab", token)).Username);
        var taken = await Join(s, "lab", token, "admin");
        Assert.Equal(("duplicate-username", "not authorised: this username is taken"), (taken.Error, (string?)taken.Value));
    }

    [Fact]
    public async Task Server_wide_keys_apply_unless_the_group_sets_its_own()
    {
        var serverKey = Tokens.Es256("server");
        var groupKey = Tokens.Es256("group");
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Config(new JsonObject { ["authKeys"] = new JsonArray(serverKey.PublicJwk.DeepClone()) }.ToJsonString());
            f.Group("inherits", """{"users": {}}""");
            f.Group("narrowed", GroupWithKeys(groupKey));
        });
        var host = s.Url.Authority;
        Assert.Equal("join", (await Join(s, "inherits", serverKey.Mint(host, "inherits"))).Kind);
        Assert.Equal("not authorised", (string?)(await Join(s, "inherits", groupKey.Mint(host, "inherits"))).Value);
        Assert.Equal("join", (await Join(s, "narrowed", groupKey.Mint(host, "narrowed"))).Kind);
        Assert.Equal("not authorised", (string?)(await Join(s, "narrowed", serverKey.Mint(host, "narrowed"))).Value);

        // Changes to config.json apply without restart.
        s.WriteConfig("{}");
        Assert.Equal("not authorised", (string?)(await Join(s, "inherits", serverKey.Mint(host, "inherits"))).Value);
    }

    [Fact]
    public async Task Tokens_are_never_written_to_the_log()
    {
        var key = Tokens.Hs256();
        var log = new List<string>();
        await using var s = await TestServer.StartAsync(f => f.Group("lab", GroupWithKeys(key)), logSink: log);
        var expired = key.Mint(s.Url.Authority, "lab", edit: c => c["exp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60);
        Assert.Equal("not authorised", (string?)(await Join(s, "lab", expired)).Value);
        await using var c = await s.ConnectAsync();
        await c.JoinAsync("lab", "admin", "secret-password-123");
        string all;
        lock (log) all = string.Join("\n", log);
        Assert.Contains("refused", all);
        Assert.DoesNotContain(expired.Split('.')[2], all);
        Assert.DoesNotContain(expired.Split('.')[1], all);
        Assert.DoesNotContain("secret-password-123", all);
    }
}
