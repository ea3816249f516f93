using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;
using Tessera.Auth.Jwt;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Http;

/// <summary>
/// Tokens from tessera-auth, checked by the verifier the conference server uses (Tessera.Auth's
/// JwtVerifier, auth.md §5) with the published keys as the group's <c>authKeys</c>.
/// </summary>
public sealed class ConferenceVerifierContractTests
{
    private static async Task<IReadOnlyList<JsonWebKey>> PublishedKeys(TestAuthServer server)
    {
        using var jwks = JsonDocument.Parse(await server.Client.GetStringAsync(".well-known/jwks.json"));
        return jwks.RootElement.GetProperty("keys").EnumerateArray().Select(JsonWebKeyParser.Parse).ToList();
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("EdDSA")]
    public async Task The_conference_verifier_accepts_the_token_for_its_group_only(string alg)
    {
        await using var server = await TestAuthServer.StartAsync(alg: alg);
        var response = await server.PostLoginAsync("john", "john-pw", TestAuthServer.Conference + "group/lectures/maths/");
        var token = await response.Content.ReadAsStringAsync();
        var keys = await PublishedKeys(server);
        var now = server.Time.GetUtcNow();

        var accepted = JwtVerifier.Verify(token, keys, "lectures/maths", "meet.example.org", now);
        Assert.True(accepted.Success, accepted.FailureReason);
        Assert.Equal("john", accepted.Subject);
        Assert.Equal(["present", "message"], accepted.Permissions);

        Assert.False(JwtVerifier.Verify(token, keys, "lectures/physics", "meet.example.org", now).Success);
        Assert.False(JwtVerifier.Verify(token, keys, "lectures/maths", "other.example.org", now).Success);
        Assert.False(JwtVerifier.Verify(token, keys, "lectures/maths", "meet.example.org", now.AddSeconds(36)).Success);
    }

    [Fact]
    public async Task A_portal_token_stays_valid_for_the_second_join_minutes_later()
    {
        await using var server = await TestAuthServer.StartAsync();
        var page = await server.Client.GetAsync("/?group=lab");
        var cookie = page.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var state = System.Text.RegularExpressions.Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"state\" value=\"([^\"]+)\"").Groups[1].Value;
        var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["state"] = WebUtility.HtmlDecode(state), ["group"] = "lab", ["username"] = "john", ["password"] = "john-pw",
            }),
        };
        request.Headers.Add("Cookie", cookie);
        var location = (await server.Client.SendAsync(request)).Headers.Location!.ToString();
        var token = Uri.UnescapeDataString(location[(location.IndexOf("?token=") + 7)..]);

        var keys = await PublishedKeys(server);
        Assert.True(JwtVerifier.Verify(token, keys, "lab", null, server.Time.GetUtcNow().AddMinutes(4)).Success);
    }
}
