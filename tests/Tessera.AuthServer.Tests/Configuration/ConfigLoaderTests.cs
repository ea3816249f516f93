using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private static JsonObject Valid() => new()
    {
        ["listen"] = "127.0.0.1:8444",
        ["insecure"] = true,
        ["keys"] = new JsonArray(JsonNode.Parse(JsonWebKeyGenerator.Generate("ES256", "k1"))),
        ["conferences"] = new JsonArray("https://meet.example.org/"),
        ["backends"] = new JsonArray(new JsonObject { ["type"] = "file", ["path"] = "users.json" }),
    };

    private static AuthServerConfig Parse(JsonObject json) => ConfigLoader.Parse(json.ToJsonString(), "/etc/tessera");

    /// <summary>Problems only found when the app is built (keys, rules, conferences).</summary>
    private static ConfigException BuildFails(JsonObject json) =>
        Assert.Throws<ConfigException>(() => AuthServerApp.Build(Parse(json)));

    [Fact]
    public void A_valid_configuration_parses_with_defaults()
    {
        var c = Parse(Valid());
        Assert.Equal(30, c.TokenLifetime);
        Assert.Equal(300, c.PortalTokenLifetime);
        Assert.Equal("query", c.PortalTokenIn);
        Assert.False(c.PasswordFallback);
        Assert.Equal("/etc/tessera/users.json", Assert.IsType<FileBackendConfig>(c.Backends[0]).Path);
    }

    [Fact]
    public void A_misspelt_field_is_named_with_the_nearest_known_one_and_where_it_is()
    {
        var json = Valid();
        json["tokenLifetme"] = 60;
        var e = Assert.Throws<ConfigException>(() => Parse(json));
        Assert.StartsWith("unknown field \"tokenLifetme\" at line 1 column ", e.Message);
        Assert.EndsWith("; did you mean \"tokenLifetime\"?", e.Message);
    }

    [Fact]
    public void A_misspelt_field_inside_a_back_end_is_named_too()
    {
        var json = Valid();
        json["backends"] = JsonNode.Parse("""[{"type":"file","pth":"users.json"}]""");
        var e = Assert.Throws<ConfigException>(() => Parse(json));
        Assert.StartsWith("unknown field \"pth\"", e.Message);
        Assert.EndsWith("; did you mean \"path\"?", e.Message);
    }

    [Fact]
    public void A_wrong_type_says_what_was_expected()
    {
        var json = Valid();
        json["insecure"] = "yes";
        var e = Assert.Throws<ConfigException>(() => Parse(json));
        Assert.StartsWith("field \"insecure\" must be true or false at line 1 column ", e.Message);
    }

    [Fact]
    public void Errors_from_a_file_name_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("tessera-auth-config-");
        try
        {
            var path = Path.Combine(dir.FullName, "auth.json");
            File.WriteAllText(path, "{\n  \"listn\": \"127.0.0.1:1\"\n}");
            var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));
            Assert.Equal($"{path}: unknown field \"listn\" at line 2 column 11; did you mean \"listen\"?", e.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Backends_of_every_type_parse()
    {
        var json = Valid();
        json["backends"] = JsonNode.Parse("""
            [{"type":"file","path":"/abs/users.json"},
             {"userDn":"uid={0},ou=people,dc=example,dc=org","type":"ldap","url":"ldaps://ldap.example.org","groupBase":"ou=groups,dc=example,dc=org"},
             {"type":"pam","service":"login"}]
            """);
        var c = Parse(json);
        Assert.Equal("/abs/users.json", Assert.IsType<FileBackendConfig>(c.Backends[0]).Path);
        Assert.Equal("ldaps://ldap.example.org", Assert.IsType<LdapBackendConfig>(c.Backends[1]).Url);
        Assert.Equal("login", Assert.IsType<PamBackendConfig>(c.Backends[2]).Service);
    }

    [Fact]
    public void A_public_key_is_refused_with_a_clear_message()
    {
        var json = Valid();
        var publicJwk = JsonWebKeyParser.Parse(JsonWebKeyGenerator.Generate("ES256", "k1")).ToPublicJwk();
        json["keys"] = new JsonArray(JsonNode.Parse(publicJwk));
        Assert.Contains("public key", BuildFails(json).Message);
    }

    [Fact]
    public void No_keys_are_refused_with_a_clear_message()
    {
        var json = Valid();
        json["keys"] = new JsonArray();
        Assert.Contains("'keys' is empty", BuildFails(json).Message);
    }

    [Fact]
    public void An_unusable_key_is_refused()
    {
        var json = Valid();
        json["keys"] = JsonNode.Parse("""[{"kty":"EC","alg":"ES256","crv":"P-256","x":"AA","y":"AA","d":"AA"}]""");
        Assert.Contains("keys[0]", BuildFails(json).Message);
    }

    [Fact]
    public void A_metrics_address_that_is_neither_an_address_nor_a_range_is_refused()
    {
        var json = Valid();
        json["metrics"] = JsonNode.Parse("""{"enabled": true, "allowFrom": ["10.0.0.0/8", "everyone"]}""");
        Assert.Contains("'everyone'", Assert.Throws<ConfigException>(() => Parse(json)).Message);
    }

    [Fact]
    public void Https_without_certificate_is_refused()
    {
        var json = Valid();
        json["insecure"] = false;
        Assert.Throws<ConfigException>(() => Parse(json));
    }

    [Theory]
    [InlineData("listen", "localhost")]
    [InlineData("listen", "127.0.0.1")]
    [InlineData("portalTokenIn", "cookie")]
    [InlineData("tokenLifetime", 0)]
    [InlineData("portalTokenLifetime", -5)]
    public void Bad_values_are_refused(string field, object value)
    {
        var json = Valid();
        json[field] = JsonValue.Create(value);
        Assert.Throws<ConfigException>(() => Parse(json));
    }

    [Fact]
    public void Unknown_fields_and_backend_types_are_refused()
    {
        var typo = Valid();
        typo["passwordFalback"] = true;
        Assert.Throws<ConfigException>(() => Parse(typo));
        var kind = Valid();
        kind["backends"] = JsonNode.Parse("""[{"type":"kerberos"}]""");
        Assert.Throws<ConfigException>(() => Parse(kind));
        var none = Valid();
        none["backends"] = new JsonArray();
        Assert.Throws<ConfigException>(() => Parse(none));
    }

    [Fact]
    public void A_missing_users_file_is_refused_at_start() =>
        Assert.Contains("users file", BuildFails(Valid()).Message);

    [Fact]
    public void A_misspelt_field_in_the_users_file_is_named_like_the_configuration_s()
    {
        var dir = Directory.CreateTempSubdirectory("tessera-auth-users-");
        try
        {
            var path = Path.Combine(dir.FullName, "users.json");
            File.WriteAllText(path, "{\"users\": {\"ada\": {\"pasword\": \"x\"}}}");
            var e = Assert.Throws<ConfigException>(() => Tessera.AuthServer.Backends.UsersFileBackend.Load(path));
            Assert.StartsWith($"users file {path}: unknown field \"pasword\" at line 1 column ", e.Message);
            Assert.EndsWith("; did you mean \"password\"?", e.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Any_port_listens_on_every_interface() =>
        Assert.Equal(System.Net.IPAddress.IPv6Any, ConfigLoader.ParseListen(":8444").Address);
}
