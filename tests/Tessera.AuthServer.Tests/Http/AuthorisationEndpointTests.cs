using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Http;

/// <summary>The <c>POST /</c> exchange of auth.md §9 against the real server over loopback.</summary>
public sealed class AuthorisationEndpointTests
{
    private const string Lab = TestAuthServer.Conference + "group/lab/";

    private static void Rules(JsonObject c) => c["rules"] = JsonNode.Parse("""
        [
          {"groups": "lectures/*", "members": "teachers", "permissions": ["op","present","message","caption","token"]},
          {"groups": "lectures/*", "permissions": ["present","message"]},
          {"groups": "staff", "deny": true},
          {"groups": "staff/**", "members": ["staff"], "permissions": "present"}
        ]
        """);

    [Fact]
    public async Task A_right_password_gets_a_signed_token_for_the_location()
    {
        await using var server = await TestAuthServer.StartAsync();
        var before = server.Time.GetUtcNow().ToUnixTimeSeconds();
        var response = await server.PostLoginAsync("john", "john-pw", Lab);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jwt", response.Content.Headers.ContentType!.MediaType);
        Assert.True(response.Headers.CacheControl!.NoStore);
        var token = await response.Content.ReadAsStringAsync();
        var header = TokenChecks.Header(token);
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal("test-key", header.GetProperty("kid").GetString());
        Assert.Equal("JWT", header.GetProperty("typ").GetString());
        var claims = TokenChecks.Claims(token);
        Assert.Equal("john", claims.GetProperty("sub").GetString());
        Assert.Equal(Lab, claims.GetProperty("aud").GetString());
        Assert.Equal(["present", "message"], claims.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("https://auth.example.org/", claims.GetProperty("iss").GetString());
        var iat = claims.GetProperty("iat").GetInt64();
        Assert.Equal(before, iat);
        Assert.Equal(iat + 30, claims.GetProperty("exp").GetInt64());

        var jwks = await server.Client.GetStringAsync(".well-known/jwks.json");
        Assert.True(TokenChecks.VerifiesAgainst(token, jwks));
    }

    [Fact]
    public async Task The_token_verifies_with_an_independent_jwt_library()
    {
        await using var server = await TestAuthServer.StartAsync();
        var token = await (await server.PostLoginAsync("john", "john-pw", Lab)).Content.ReadAsStringAsync();
        var jwks = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(await server.Client.GetStringAsync(".well-known/jwks.json"));
        var result = await new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ValidateTokenAsync(token,
            new Microsoft.IdentityModel.Tokens.TokenValidationParameters
            {
                IssuerSigningKeys = jwks.GetSigningKeys(),
                ValidAudience = Lab,
                ValidIssuer = "https://auth.example.org/",
                // The server's clock is the test's manual clock, which started at the real time.
                ClockSkew = TimeSpan.FromMinutes(1),
            });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("EdDSA")]
    [InlineData("ES256")]
    public async Task The_first_keys_algorithm_signs_and_its_public_part_is_published(string alg)
    {
        await using var server = await TestAuthServer.StartAsync(alg: alg);
        var token = await (await server.PostLoginAsync("john", "john-pw", Lab)).Content.ReadAsStringAsync();
        Assert.Equal(alg, TokenChecks.Header(token).GetProperty("alg").GetString());
        Assert.True(TokenChecks.VerifiesAgainst(token, await server.Client.GetStringAsync(".well-known/jwks.json")));
    }

    [Fact]
    public async Task Hmac_keys_sign_but_are_never_published()
    {
        await using var server = await TestAuthServer.StartAsync(alg: "HS256");
        var token = await (await server.PostLoginAsync("john", "john-pw", Lab)).Content.ReadAsStringAsync();
        Assert.Equal("HS256", TokenChecks.Header(token).GetProperty("alg").GetString());
        var key = Tessera.Auth.Jwk.JsonWebKeyParser.Parse(server.PrivateKey);
        var parts = token.Split('.');
        Assert.True(key.VerifySignature(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), TokenChecks.Decode(parts[2])));
        Assert.Equal("""{"keys":[]}""", await server.Client.GetStringAsync(".well-known/jwks.json"));
    }

    [Fact]
    public async Task The_jwks_holds_every_configured_key_without_private_members()
    {
        var second = Tessera.Auth.Jwk.JsonWebKeyGenerator.Generate("RS256", "old");
        await using var server = await TestAuthServer.StartAsync(c => c["keys"]!.AsArray().Add(JsonNode.Parse(second)));
        var jwks = JsonNode.Parse(await server.Client.GetStringAsync(".well-known/jwks.json"))!["keys"]!.AsArray();
        Assert.Equal(["test-key", "old"], jwks.Select(k => (string)k!["kid"]!));
        foreach (var k in jwks)
            foreach (var secret in new[] { "d", "p", "q", "dp", "dq", "qi", "k" })
                Assert.False(k!.AsObject().ContainsKey(secret));
    }

    [Fact]
    public async Task The_lifetime_comes_from_the_configuration()
    {
        await using var server = await TestAuthServer.StartAsync(c => c["tokenLifetime"] = 90);
        var claims = TokenChecks.Claims(await (await server.PostLoginAsync("john", "john-pw", Lab)).Content.ReadAsStringAsync());
        Assert.Equal(90, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        await using var server = await TestAuthServer.StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.PostLoginAsync("john", "wrong", Lab)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_user_is_refused_without_fallback()
    {
        await using var server = await TestAuthServer.StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.PostLoginAsync("mallory", "x", Lab)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_user_gets_204_with_fallback()
    {
        await using var server = await TestAuthServer.StartAsync(c => c["passwordFallback"] = true);
        var response = await server.PostLoginAsync("mallory", "x", Lab);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_wrong_password_for_a_known_user_is_not_passed_on_by_the_fallback()
    {
        await using var server = await TestAuthServer.StartAsync(c => c["passwordFallback"] = true);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.PostLoginAsync("john", "wrong", Lab)).StatusCode);
    }

    [Fact]
    public async Task A_knowing_backend_decides_and_later_backends_are_not_asked()
    {
        // The second file knows john with another password; the first file's refusal must stand.
        await using var server = await TestAuthServer.StartAsync(c =>
        {
            c["backends"]!.AsArray().Add(new JsonObject { ["type"] = "file", ["path"] = "more.json" });
        }, files: new Dictionary<string, string> { ["more.json"] = """{"users":{"john":{"password":"other-pw"}}}""" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.PostLoginAsync("john", "other-pw", Lab)).StatusCode);
    }

    [Fact]
    public async Task The_first_matching_rule_grants_its_permissions()
    {
        await using var server = await TestAuthServer.StartAsync(Rules);
        var olga = TokenChecks.Claims(await (await server.PostLoginAsync("olga", "olga-pw", TestAuthServer.Conference + "group/lectures/maths/")).Content.ReadAsStringAsync());
        Assert.Equal(["op", "present", "message", "caption", "token"], olga.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        var john = TokenChecks.Claims(await (await server.PostLoginAsync("john", "john-pw", TestAuthServer.Conference + "group/lectures/maths/")).Content.ReadAsStringAsync());
        Assert.Equal(["present", "message"], john.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task A_deny_rule_answers_403_even_to_the_right_password()
    {
        await using var server = await TestAuthServer.StartAsync(Rules);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.PostLoginAsync("sam", "sam-pw", TestAuthServer.Conference + "group/staff/")).StatusCode);
    }

    [Fact]
    public async Task A_named_set_in_a_rule_is_expanded()
    {
        await using var server = await TestAuthServer.StartAsync(Rules);
        var sam = TokenChecks.Claims(await (await server.PostLoginAsync("sam", "sam-pw", TestAuthServer.Conference + "group/staff/room/")).Content.ReadAsStringAsync());
        Assert.Equal(["present", "message"], sam.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Without_a_matching_rule_the_users_own_permissions_apply()
    {
        await using var server = await TestAuthServer.StartAsync(Rules);
        var olga = TokenChecks.Claims(await (await server.PostLoginAsync("olga", "olga-pw", Lab)).Content.ReadAsStringAsync());
        Assert.Equal(["op", "present", "message", "caption", "token"], olga.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        var nobody = TokenChecks.Claims(await (await server.PostLoginAsync("nobody", "nobody-pw", Lab)).Content.ReadAsStringAsync());
        Assert.Empty(nobody.GetProperty("permissions").EnumerateArray());
    }

    [Fact]
    public async Task Malformed_json_is_400()
    {
        await using var server = await TestAuthServer.StartAsync();
        var response = await server.Client.PostAsync("/", new StringContent("{\"username\":", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"username":"john","password":"john-pw"}""")]
    [InlineData("""{"username":"john","password":7,"location":"https://meet.example.org/group/lab/"}""")]
    [InlineData("""["john","john-pw"]""")]
    public async Task Missing_or_mistyped_fields_are_400(string body)
    {
        await using var server = await TestAuthServer.StartAsync();
        var response = await server.Client.PostAsync("/", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Another_content_type_is_400()
    {
        await using var server = await TestAuthServer.StartAsync();
        var body = """{"username":"john","password":"john-pw","location":"https://meet.example.org/group/lab/"}""";
        var response = await server.Client.PostAsync("/", new StringContent(body, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("https://meet.example.org/group/lab", HttpStatusCode.BadRequest)]
    [InlineData("https://meet.example.org/group/a/../b/", HttpStatusCode.BadRequest)]
    [InlineData("https://meet.example.org/group/a/%2e%2e/b/", HttpStatusCode.BadRequest)]
    [InlineData("https://meet.example.org/group//", HttpStatusCode.BadRequest)]
    [InlineData("https://meet.example.org/group/lab/?x=1", HttpStatusCode.BadRequest)]
    [InlineData("not a url", HttpStatusCode.BadRequest)]
    [InlineData("https://evil.example.net/group/lab/", HttpStatusCode.Forbidden)]
    [InlineData("http://meet.example.org/group/lab/", HttpStatusCode.Forbidden)]
    [InlineData("https://meet.example.org:8443/group/lab/", HttpStatusCode.Forbidden)]
    [InlineData("https://meet.example.org/other/lab/", HttpStatusCode.Forbidden)]
    public async Task A_location_that_is_not_a_group_of_a_configured_conference_is_refused(string location, HttpStatusCode expected)
    {
        await using var server = await TestAuthServer.StartAsync();
        Assert.Equal(expected, (await server.PostLoginAsync("john", "john-pw", location)).StatusCode);
    }

    [Fact]
    public async Task An_encoded_group_name_is_decoded_for_rules_and_kept_in_the_audience()
    {
        await using var server = await TestAuthServer.StartAsync(c =>
            c["rules"] = JsonNode.Parse("""[{"groups": "Ada room", "permissions": ["message"]}]"""));
        var location = TestAuthServer.Conference + "group/Ada%20room/";
        var claims = TokenChecks.Claims(await (await server.PostLoginAsync("john", "john-pw", location)).Content.ReadAsStringAsync());
        Assert.Equal(location, claims.GetProperty("aud").GetString());
        Assert.Equal(["message"], claims.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task The_preflight_from_a_conference_origin_is_allowed()
    {
        await using var server = await TestAuthServer.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Options, "/");
        request.Headers.Add("Origin", TestAuthServer.ConferenceOrigin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        var response = await server.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(TestAuthServer.ConferenceOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("Content-Type", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Fact]
    public async Task The_preflight_from_another_origin_gets_no_permission()
    {
        await using var server = await TestAuthServer.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Options, "/");
        request.Headers.Add("Origin", "https://evil.example.net");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        var response = await server.Client.SendAsync(request);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_post_from_a_conference_origin_carries_the_cors_header()
    {
        await using var server = await TestAuthServer.StartAsync();
        var response = await server.PostLoginAsync("john", "john-pw", Lab, TestAuthServer.ConferenceOrigin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestAuthServer.ConferenceOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task A_post_from_another_origin_is_refused_without_checking_the_password()
    {
        await using var server = await TestAuthServer.StartAsync();
        var response = await server.PostLoginAsync("john", "john-pw", Lab, "https://evil.example.net");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Repeated_failures_are_throttled_even_for_the_right_password_until_the_delay_passes()
    {
        await using var server = await TestAuthServer.StartAsync();
        // As the README says: 5 failures, then the 6th attempt is throttled.
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.PostLoginAsync("john", "guess" + i, Lab)).StatusCode);

        var throttled = await server.PostLoginAsync("john", "john-pw", Lab);
        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.True(int.Parse(throttled.Headers.GetValues("Retry-After").Single()) >= 1);

        server.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.OK, (await server.PostLoginAsync("john", "john-pw", Lab)).StatusCode);
    }

    [Fact]
    public async Task Others_failures_from_the_same_address_never_refuse_a_valid_password()
    {
        await using var server = await TestAuthServer.StartAsync();
        // A class behind one NAT: 40 failures for other (and unknown) users from this address.
        for (var i = 0; i < 40; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.PostLoginAsync(i < 4 ? "sam" : "pupil" + i, "typo" + i, Lab)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.PostLoginAsync("john", "john-pw", Lab)).StatusCode);
    }

    [Fact]
    public async Task A_flood_from_one_address_is_cut_off_by_the_attempt_rate()
    {
        await using var server = await TestAuthServer.StartAsync(c => c["throttle"] = new JsonObject { ["attemptBurst"] = 3 });
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.PostLoginAsync("user" + i, "x", Lab)).StatusCode);
        var flooded = await server.PostLoginAsync("john", "john-pw", Lab);
        Assert.Equal((HttpStatusCode)429, flooded.StatusCode);
        Assert.Equal("1", flooded.Headers.GetValues("Retry-After").Single());
        server.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await server.PostLoginAsync("john", "john-pw", Lab)).StatusCode);
    }

    [Fact]
    public async Task An_attackers_failures_do_not_lock_the_user_out_from_another_address()
    {
        await using var server = await TestAuthServer.StartAsync();
        for (var i = 0; i < 8; i++) await server.PostLoginAsync("john", "guess" + i, Lab);
        Assert.Equal((HttpStatusCode)429, (await server.PostLoginAsync("john", "john-pw", Lab)).StatusCode);

        // Same machine, other loopback address: 127.0.0.2.
        using var other = LoopbackClient.From(IPAddress.Parse("127.0.0.2"), server.BaseAddress);
        var body = new StringContent($$"""{"username":"john","password":"john-pw","location":"{{Lab}}"}""", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsync("/", body)).StatusCode);
    }

    [Fact]
    public async Task Edits_to_the_users_file_apply_without_a_restart()
    {
        await using var server = await TestAuthServer.StartAsync();
        var users = (JsonObject)TestAuthServer.DefaultUsers.DeepClone();
        users["users"]!["newcomer"] = new JsonObject { ["password"] = "new-pw" };
        File.WriteAllText(server.UsersFilePath, users.ToJsonString());
        File.SetLastWriteTimeUtc(server.UsersFilePath, DateTime.UtcNow.AddMinutes(1));
        server.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.OK, (await server.PostLoginAsync("newcomer", "new-pw", Lab)).StatusCode);
    }

    [Fact]
    public async Task An_invalid_username_is_refused()
    {
        await using var server = await TestAuthServer.StartAsync(users: JsonNode.Parse("""{"users":{"a/../b":{"password":"pw"}}}""")!.AsObject());
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.PostLoginAsync("a/../b", "pw", Lab)).StatusCode);
    }
}
