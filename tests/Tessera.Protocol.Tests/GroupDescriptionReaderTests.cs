using System.Text;
using System.Text.Json.Nodes;
using Tessera.Auth.Passwords;
using Tessera.Protocol.Config;
using Tessera.Protocol.Descriptions;

namespace Tessera.Protocol.Tests;

public class GroupDescriptionReaderTests
{
    private static GroupDescription Parse(string json, List<string>? warnings = null) =>
        GroupDescriptionReader.Parse(Encoding.UTF8.GetBytes(json), w => warnings?.Add(w));

    [Fact]
    public void Reads_every_field()
    {
        var d = Parse("""
            {"displayName": "D", "description": "x", "contact": "c", "comment": "k", "public": true,
             "redirect": "https://r/", "max-clients": 3, "max-history-age": 60,
             "not-before": "2026-09-01T08:00:00Z", "expires": "2026-09-01T10:00:00+02:00",
             "allow-recording": true, "unrestricted-tokens": true, "auto-subgroups": true,
             "autolock": true, "autokick": true,
             "users": {"a": {"password": "p", "permissions": "op"}},
             "wildcard-user": {"password": {"type": "wildcard"}, "permissions": ["message"]},
             "authKeys": [{"kty": "oct", "alg": "HS256", "k": "x"}], "authServer": "https://a/", "authPortal": "https://p/",
             "codecs": ["vp9", "opus"]}
            """);
        Assert.Equal(("D", 3, TimeSpan.FromSeconds(60)), (d.DisplayName, d.MaxClients, d.MaxHistoryAge));
        Assert.Equal(new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero), d.NotBefore);
        Assert.Equal(new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero), d.Expires!.Value.ToUniversalTime());
        Assert.Equal(PasswordKind.Wildcard, d.WildcardUser!.Password!.Kind);
        Assert.Equal(["vp9", "opus"], d.EffectiveCodecs);
        Assert.True(d.SetsDelegation);
    }

    [Fact]
    public void Defaults_match_galene()
    {
        var d = Parse("{}");
        Assert.Equal(TimeSpan.FromHours(4), d.MaxHistoryAge);
        Assert.Equal(["vp8", "opus"], d.EffectiveCodecs);
        Assert.False(d.SetsDelegation);
    }

    [Theory]
    [InlineData("""{"publicServer": true}""", "publicServer")]
    [InlineData("""{"max-clients": "ten"}""", "max-clients")]
    [InlineData("""{"expires": "2026-09-01"}""", "RFC 3339")]
    [InlineData("""{"expires": "2026-09-01T10:00:00"}""", "RFC 3339")]
    [InlineData("""{"users": {"a": {"permissions": "superuser"}}}""", "unknown permission")]
    [InlineData("""{"users": {"a": {"password": {"type": "plain", "kee": "x"}}}}""", "kee")]
    [InlineData("""{"displayName": "x",}""", "")]
    [InlineData("null", "null")]
    public void Strict_parsing_refuses_with_a_useful_message(string json, string mention)
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse(json));
        Assert.Contains(mention, error.Message);
    }

    [Fact]
    public void Errors_say_where()
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse("{\n  \"displayName\": \"x\",\n  \"oops\": 1\n}"));
        Assert.Contains("line 3", error.Message);
    }

    [Theory]
    [InlineData("{\n  \"publc\": true\n}", "unknown field \"publc\" at line 2 column 11; did you mean \"public\"?")]
    [InlineData("{\"users\": {\"bob\": {\"pasword\": \"x\"}}}", "unknown field \"pasword\" at line 1 column 30; did you mean \"password\"?")]
    [InlineData("{\"zzz\": 1}", "unknown field \"zzz\" at line 1 column 8")]
    [InlineData("{\"public\": \"yes\"}", "field \"public\" must be true or false at line 1 column 17")]
    [InlineData("{\"max-clients\": \"ten\"}", "field \"max-clients\" must be a whole number at line 1 column 22")]
    [InlineData("{\"codecs\": \"vp8\"}", "field \"codecs\" must be a list at line 1 column 17")]
    [InlineData("[]", "the file must hold an object at line 1 column 2")]
    public void Errors_name_the_json_field_what_was_expected_and_where(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse(json));
        Assert.Equal(expected, error.Message);
        Assert.DoesNotContain("Tessera.", error.Message);
        Assert.DoesNotContain("System.", error.Message);
    }

    [Fact]
    public void An_old_galene_setting_says_what_to_do_instead()
    {
        var error = Assert.Throws<InvalidDataException>(() => ServerConfig.Parse("{\"publicServer\": true}"u8));
        Assert.StartsWith("unknown field \"publicServer\" at line 1 column 17: a setting of old Galène versions", error.Message);
        Assert.Contains("\"public\": true in its group file", error.Message);
    }

    [Fact]
    public void Config_errors_name_the_field_too()
    {
        var error = Assert.Throws<InvalidDataException>(() => ServerConfig.Parse("{\"canonicalHost\": \"h\",\n \"writeableGroups\": true}"u8));
        Assert.Equal("unknown field \"writeableGroups\" at line 2 column 20; did you mean \"writableGroups\"?", error.Message);
    }

    [Fact]
    public void Legacy_fields_are_converted()
    {
        var warnings = new List<string>();
        var d = Parse("""
            {"allow-anonymous": true, "allow-subgroups": true,
             "op": [{"username": "boss", "password": "b"}],
             "presenter": [{"username": "boss", "password": "other"}, {"password": "pp"}],
             "other": [{}]}
            """, warnings);
        Assert.True(d.AutoSubgroups);
        Assert.Equal("op", d.Users!["boss"].Permissions!.NamedSet);
        Assert.Equal("present", d.WildcardUser!.Permissions!.NamedSet); // first pattern without username
        Assert.Null(d.LegacyOp);
        Assert.Contains(warnings, w => w.Contains("allow-anonymous"));
        Assert.Contains(warnings, w => w.Contains("boss"));
        Assert.Contains(warnings, w => w.Contains("wildcard"));
    }

    [Fact]
    public void Auto_subgroup_view_hides_description_and_publicness()
    {
        var d = Parse("""{"public": true, "description": "x", "max-clients": 4}""").ForAutoSubgroup();
        Assert.Equal((false, null, 4), (d.Public, d.Description, d.MaxClients));
    }

    [Theory]
    [InlineData("""{"users": {"carl": {"password": "c"}}}""")]
    [InlineData("""{"wildcard-user": {"password": "w"}}""")]
    public void A_group_with_its_own_credentials_keeps_its_login_page_when_the_server_adds_single_sign_on(string group)
    {
        var config = ServerConfig.Parse("""{"authServer": "https://s/", "authPortal": "https://p/", "authKeys": [{"kty":"oct"}]}"""u8);
        var d = Delegation.For(Parse(group), config);
        // The browser is not sent elsewhere, but a token from the organisation's server is still accepted.
        Assert.Equal((null, null, 1), (d.AuthServer, d.AuthPortal, d.AuthKeys.Count));
        Assert.Null(Delegation.Unreachable(Parse(group), config));
    }

    [Fact]
    public void A_group_nobody_can_log_in_to_is_named()
    {
        Assert.Contains("nobody can log in", Delegation.Unreachable(Parse("{}"), null));
        Assert.Contains("config.json gives no authKeys", Delegation.Unreachable(Parse("{}"), ServerConfig.Parse("{}"u8)));
        Assert.Contains("its authKeys are empty", Delegation.Unreachable(Parse("""{"authKeys": []}"""), null));
        Assert.Null(Delegation.Unreachable(Parse("{}"), ServerConfig.Parse("""{"authKeys": [{"kty":"oct"}]}"""u8)));
        Assert.Null(Delegation.Unreachable(Parse("""{"authKeys": [{"kty":"oct"}]}"""), null));
    }

    [Fact]
    public void Delegation_is_all_or_nothing()
    {
        var config = ServerConfig.Parse("""{"authServer": "https://s/", "authPortal": "https://p/", "authKeys": [{"kty":"oct"}]}"""u8);
        var inherits = Delegation.For(Parse("{}"), config);
        Assert.Equal(("https://s/", "https://p/", 1), (inherits.AuthServer, inherits.AuthPortal, inherits.AuthKeys.Count));
        var own = Delegation.For(Parse("""{"authPortal": "https://mine/"}"""), config);
        Assert.Equal((null, "https://mine/", 0), (own.AuthServer, own.AuthPortal, own.AuthKeys.Count));
        var optOut = Delegation.For(Parse("""{"authKeys": []}"""), config);
        Assert.Equal((null, null, 0), (optOut.AuthServer, optOut.AuthPortal, optOut.AuthKeys.Count));
    }

    [Fact]
    public void Config_accepts_galene_fields_and_refuses_others()
    {
        var c = ServerConfig.Parse("""{"canonicalHost": "h:1", "writableGroups": true, "allowOrigin": ["x"], "allowAdminOrigin": ["y"], "proxyURL": "https://p/", "admin": [{"username": "legacy"}], "users": {"root": {"password": "x", "permissions": "admin"}}}"""u8);
        Assert.Equal("h:1", c.CanonicalHost);
        Assert.Throws<InvalidDataException>(() => ServerConfig.Parse("""{"publicServer": true}"""u8));
    }
}
