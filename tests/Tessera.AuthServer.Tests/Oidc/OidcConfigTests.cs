using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Tests.Oidc;

/// <summary>An oidc back end that cannot work safely stops the start with a message saying why.</summary>
public sealed class OidcConfigTests
{
    private static JsonObject Valid(Action<JsonObject>? backend = null, Action<JsonObject>? config = null)
    {
        var oidc = new JsonObject
        {
            ["type"] = "oidc",
            ["name"] = "staff",
            ["issuer"] = "https://sso.example.org/realms/staff",
            ["clientId"] = "tessera",
            ["clientSecret"] = "s3cret",
        };
        backend?.Invoke(oidc);
        var json = new JsonObject
        {
            ["insecure"] = true,
            ["keys"] = new JsonArray(JsonNode.Parse(JsonWebKeyGenerator.Generate("ES256", "k1"))),
            ["conferences"] = new JsonArray("https://meet.example.org/"),
            ["backends"] = new JsonArray(oidc),
            ["portal"] = true,
        };
        config?.Invoke(json);
        return json;
    }

    private static AuthServerConfig Parse(JsonObject json) => ConfigLoader.Parse(json.ToJsonString(), "/etc/tessera");

    private static string Fails(JsonObject json) => Assert.Throws<ConfigException>(() => Parse(json)).Message;

    [Fact]
    public void A_provider_takes_the_documented_defaults()
    {
        var o = Assert.IsType<OidcBackendConfig>(Parse(Valid()).Backends[0]);
        Assert.Equal(["openid", "profile"], o.Scopes);
        Assert.Equal("preferred_username", o.UsernameClaim);
        Assert.Equal(["groups"], o.GroupsClaim);
        Assert.False(o.Userinfo);
        Assert.Equal(60, o.Leeway);
        Assert.Equal(600, o.LoginTimeout);
    }

    [Theory]
    [InlineData("http://sso.example.org/", "https URL")] // a code and tokens in clear over a network
    [InlineData("https://sso.example.org/?x=1", "https URL")]
    [InlineData("sso.example.org", "https URL")]
    public void An_issuer_that_is_not_https_or_loopback_is_refused(string issuer, string says) =>
        Assert.Contains(says, Fails(Valid(b => b["issuer"] = issuer)));

    [Fact]
    public void Plain_http_is_allowed_to_a_provider_on_this_machine() =>
        Parse(Valid(b => b["issuer"] = "http://127.0.0.1:8080/realms/x"));

    [Fact]
    public void Exactly_one_client_credential_is_required()
    {
        Assert.Contains("either 'clientSecret' or 'clientKey'", Fails(Valid(b => b.Remove("clientSecret"))));
        Assert.Contains("either 'clientSecret' or 'clientKey'",
                        Fails(Valid(b => b["clientKey"] = JsonNode.Parse(JsonWebKeyGenerator.Generate("ES256", "c")))));
    }

    [Fact]
    public void A_client_key_without_its_private_part_is_refused_when_the_server_is_built()
    {
        var publicKey = JsonWebKeyParser.Parse(JsonWebKeyGenerator.Generate("ES256", "c")).ToPublicJwk();
        var json = Valid(b =>
        {
            b.Remove("clientSecret");
            b["clientKey"] = JsonNode.Parse(publicKey);
        });
        Assert.Contains("private RSA or EC JWK", Assert.Throws<ConfigException>(() => AuthServerApp.Build(Parse(json))).Message);
    }

    [Theory]
    [InlineData("Staff")]
    [InlineData("a/b")]
    [InlineData("")]
    public void A_name_that_cannot_go_into_a_URL_is_refused(string name) =>
        Assert.Contains("'name' must be", Fails(Valid(b => b["name"] = name)));

    [Fact]
    public void Two_providers_of_one_name_are_refused() =>
        Assert.Contains("two back ends have this name",
                        Fails(Valid(config: c => c["backends"]!.AsArray().Add(c["backends"]![0]!.DeepClone()))));

    [Fact]
    public void The_portal_must_be_on() =>
        Assert.Contains("\"portal\": true", Fails(Valid(config: c => c["portal"] = false)));

    [Fact]
    public void Scopes_must_ask_for_openid() =>
        Assert.Contains("\"openid\"", Fails(Valid(b => b["scopes"] = new JsonArray("profile"))));

    [Fact]
    public void A_rule_naming_an_unknown_provider_is_refused() =>
        Assert.Contains("no oidc back end's name",
                        Fails(Valid(config: c => c["rules"] = new JsonArray(new JsonObject { ["providers"] = "stafff", ["permissions"] = "op" }))));
}
