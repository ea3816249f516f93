using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Oidc;

/// <summary>
/// Single sign-on against a real OpenID provider over loopback HTTP: the authorization request
/// tessera-auth sends, the code it redeems, the ID token it validates, and the token it mints.
/// </summary>
public sealed class OidcSignInTests(OidcProviderFixture idp) : IClassFixture<OidcProviderFixture>
{
    private const string Group = TestAuthServer.Conference + "group/lab/";

    [Theory]
    [InlineData("ada", "ada-at-idp", "caption,message,op,present,token")] // in "staff": the op rule
    [InlineData("bob", "bob-at-idp", "message,present")] // in "students": the present rule
    public async Task Signing_in_at_the_provider_mints_a_token_with_its_username_and_the_rules_permissions(string user, string password, string permissions)
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()));
        using var browser = new SignInClient(idp.AuthBase);

        var answer = await browser.SignInAsync("idp", Group, user, password);

        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        var location = answer.Headers.Location!.AbsoluteUri;
        Assert.StartsWith(Group + "?token=", location);
        var token = Uri.UnescapeDataString(location[(Group.Length + "?token=".Length)..]);
        var claims = TokenChecks.Claims(token);
        Assert.Equal(user, claims.GetProperty("sub").GetString());
        Assert.Equal(Group, claims.GetProperty("aud").GetString());
        Assert.Equal(permissions, string.Join(",", claims.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).Order()));
        Assert.True(TokenChecks.VerifiesAgainst(token, await server.Client.GetStringAsync(".well-known/jwks.json")));
    }

    [Fact]
    public async Task The_authorization_request_uses_the_code_flow_with_PKCE_S256_state_and_nonce()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()));
        using var browser = new SignInClient(idp.AuthBase);

        var start = await browser.StartAsync("idp", Group);

        Assert.Equal(HttpStatusCode.SeeOther, start.StatusCode);
        var request = browser.AuthorizationRequest!;
        Assert.StartsWith(idp.Provider.Issuer + "/auth?", request.AbsoluteUri);
        var q = QueryHelpers.ParseQuery(request.Query);
        Assert.Equal("code", q["response_type"]);
        Assert.Equal("tessera", q["client_id"]);
        Assert.Equal(idp.AuthBase + "oidc/idp/callback", q["redirect_uri"]);
        Assert.Equal("S256", q["code_challenge_method"]);
        Assert.Equal(43, q["code_challenge"].ToString().Length);
        Assert.True(q["state"].ToString().Length >= 43);
        Assert.True(q["nonce"].ToString().Length >= 43);
        Assert.NotEqual(q["state"], q["nonce"]);
        Assert.Contains("openid", q["scope"].ToString().Split(' '));
        // The browser carries the sign-in in an HttpOnly cookie, not the server.
        var cookie = Assert.Single(start.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("tessera-oidc-", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
