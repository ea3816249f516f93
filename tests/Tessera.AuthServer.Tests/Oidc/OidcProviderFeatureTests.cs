using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Tessera.Auth.Jwk;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Oidc;

/// <summary>The provider's options: private_key_jwt, userinfo, nested claims, several providers beside passwords.</summary>
public sealed class OidcProviderFeatureTests(OidcProviderFixture idp) : IClassFixture<OidcProviderFixture>
{
    private const string Group = TestAuthServer.Conference + "group/lab/";

    private static string? Subject(HttpResponseMessage answer) =>
        answer.StatusCode == HttpStatusCode.SeeOther
            ? TokenChecks.Claims(QueryHelpers.ParseQuery(answer.Headers.Location!.Query)["token"].ToString()).GetProperty("sub").GetString()
            : null;

    private static string Permissions(HttpResponseMessage answer) =>
        string.Join(",", TokenChecks.Claims(QueryHelpers.ParseQuery(answer.Headers.Location!.Query)["token"].ToString())
                                    .GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));

    [Fact]
    public async Task A_client_authenticated_with_private_key_jwt_signs_in_and_a_wrong_key_is_refused_by_the_provider()
    {
        JsonObject Keyed(string key) => idp.Backend("keyed", b =>
        {
            b["clientId"] = "tessera-keyed";
            b.Remove("clientSecret");
            b["clientKey"] = JsonNode.Parse(key);
        });
        await using (var server = await idp.StartAuthServerAsync(new JsonArray(Keyed(idp.ClientKey))))
        {
            using var browser = new SignInClient(idp.AuthBase);
            Assert.Equal("ada", Subject(await browser.SignInAsync("keyed", Group, "ada", "ada-at-idp")));
        }
        await using (var server = await idp.StartAuthServerAsync(new JsonArray(Keyed(JsonWebKeyGenerator.Generate("ES256", "tessera-client"))))) 
        {
            using var browser = new SignInClient(idp.AuthBase);
            var answer = await browser.SignInAsync("keyed", Group, "ada", "ada-at-idp");
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
            Assert.Null(answer.Headers.Location);
        }
    }

    [Fact]
    public async Task Groups_the_provider_only_tells_through_userinfo_count_when_userinfo_is_on()
    {
        await using (var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend("info", b => b["userinfo"] = true))))
        {
            using var browser = new SignInClient(idp.AuthBase);
            var before = (await idp.Provider.StatsAsync()).Userinfo;
            var answer = await browser.SignInAsync("info", Group, "carol", "carol-at-idp");
            Assert.Equal("carol", Subject(answer));
            Assert.Contains("op", Permissions(answer).Split(','));
            Assert.Equal(before + 1, (await idp.Provider.StatsAsync()).Userinfo);
        }
        await using (var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend())))
        {
            using var browser = new SignInClient(idp.AuthBase);
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.SignInAsync("idp", Group, "carol", "carol-at-idp")).StatusCode);
        }
    }

    [Fact]
    public async Task The_providers_groups_decide_per_group_pattern_first_match_first()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()), new JsonArray(
            new JsonObject { ["groups"] = "lectures/*", ["members"] = "teachers", ["permissions"] = "op" },
            new JsonObject { ["groups"] = "lectures/*", ["permissions"] = "present" },
            new JsonObject { ["groups"] = "staff-room", ["members"] = "students", ["deny"] = true },
            new JsonObject { ["groups"] = "staff-room", ["permissions"] = "message" }));
        // One browser each: the provider keeps a session, so a browser stays signed in as its first person.
        using var adas = new SignInClient(idp.AuthBase);
        using var bobs = new SignInClient(idp.AuthBase);
        var lecture = TestAuthServer.Conference + "group/lectures/maths/";
        var staffRoom = TestAuthServer.Conference + "group/staff-room/";

        Assert.Contains("op", Permissions(await adas.SignInAsync("idp", lecture, "ada", "ada-at-idp")).Split(','));
        Assert.Equal("present,message", Permissions(await bobs.SignInAsync("idp", lecture, "bob", "bob-at-idp")));
        Assert.Equal("message", Permissions(await adas.SignInAsync("idp", staffRoom, "ada", "ada-at-idp")));
        Assert.Equal(HttpStatusCode.Forbidden, (await bobs.SignInAsync("idp", staffRoom, "bob", "bob-at-idp")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await adas.SignInAsync("idp", Group, "ada", "ada-at-idp")).StatusCode); // no rule
    }

    [Fact]
    public async Task The_username_and_groups_can_come_from_any_claim_path()
    {
        await using var server = await idp.StartAuthServerAsync(
            new JsonArray(idp.Backend(configure: b =>
            {
                b["scopes"] = new JsonArray("openid", "email", "roles");
                b["usernameClaim"] = "email";
                b["groupsClaim"] = new JsonArray("groups", "realm_access.roles");
            })),
            new JsonArray(new JsonObject { ["members"] = "lecturer", ["permissions"] = "present" }));
        using var browser = new SignInClient(idp.AuthBase);

        var answer = await browser.SignInAsync("idp", Group, "ada", "ada-at-idp");

        Assert.Equal("ada@example.org", Subject(answer));
        Assert.Equal("present,message", Permissions(answer));
    }

    [Fact]
    public async Task Several_providers_and_passwords_share_one_portal_and_rules_can_tell_them_apart()
    {
        await using var server = await idp.StartAuthServerAsync(
            new JsonArray(new JsonObject { ["type"] = "file", ["path"] = "users.json" },
                          idp.Backend("staff", b => b["label"] = "Staff account"),
                          idp.Backend("idp", b => b["label"] = "Guest account")),
            new JsonArray(new JsonObject { ["providers"] = "staff", ["members"] = "staff", ["permissions"] = "op" },
                          new JsonObject { ["providers"] = "idp", ["permissions"] = "observe" }));
        using var browser = new SignInClient(idp.AuthBase);

        var portal = await (await browser.GetAsync($"{idp.AuthBase}?return={Uri.EscapeDataString(Group)}")).Content.ReadAsStringAsync();
        Assert.Contains($"href=\"oidc/staff/start?return={WebUtility.HtmlEncode(Uri.EscapeDataString(Group))}\">Staff account</a>", portal);
        Assert.Contains($"href=\"oidc/idp/start?return={WebUtility.HtmlEncode(Uri.EscapeDataString(Group))}\">Guest account</a>", portal);
        Assert.Contains("name=\"password\"", portal);

        Assert.Contains("op", Permissions(await browser.SignInAsync("staff", Group, "ada", "ada-at-idp")).Split(','));
        Assert.DoesNotContain("op", Permissions(await browser.SignInAsync("idp", Group, "ada", "ada-at-idp")).Split(','));
        // A password account is not matched by provider rules; its own permissions apply.
        var password = await server.PostLoginAsync("john", "john-pw", Group);
        Assert.Equal(HttpStatusCode.OK, password.StatusCode);
    }

    [Fact]
    public async Task The_token_can_come_back_in_the_fragment_as_with_the_password_form()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()), configure: c => c["portalTokenIn"] = "fragment");
        using var browser = new SignInClient(idp.AuthBase);

        var answer = await browser.SignInAsync("idp", Group, "ada", "ada-at-idp");

        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        Assert.StartsWith(Group + "#token=ey", answer.Headers.Location!.AbsoluteUri);
    }

    [Fact]
    public async Task The_JSON_login_never_asks_a_provider_for_a_password()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()));
        var before = await idp.Provider.StatsAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.PostLoginAsync("ada", "ada-at-idp", Group)).StatusCode);

        Assert.Equal(before, await idp.Provider.StatsAsync());
    }

    [Fact]
    public async Task With_providers_only_the_portal_shows_buttons_and_no_password_form_and_asks_for_the_group_first()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()));
        using var browser = new SignInClient(idp.AuthBase);

        var withTarget = await (await browser.GetAsync($"{idp.AuthBase}?return={Uri.EscapeDataString(Group)}")).Content.ReadAsStringAsync();
        Assert.Contains("Sign in with the test provider</a>", withTarget);
        Assert.DoesNotContain("name=\"password\"", withTarget);

        var withoutTarget = await (await browser.GetAsync(idp.AuthBase)).Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"get\" action=\"./\">", withoutTarget);
        Assert.DoesNotContain("oidc/idp/start", withoutTarget);
        var chosen = await (await browser.GetAsync(idp.AuthBase + "?group=lab")).Content.ReadAsStringAsync();
        Assert.Contains($"oidc/idp/start?return={WebUtility.HtmlEncode(Uri.EscapeDataString(Group))}", chosen);
    }
}

/// <summary>A provider that rotates its signing key: the next sign-in fetches the new key, once, without a restart.</summary>
public sealed class OidcKeyRotationTests(OidcProviderFixture idp) : IClassFixture<OidcProviderFixture>
{
    private const string Group = TestAuthServer.Conference + "group/lab/";

    [Fact]
    public async Task A_rotated_key_is_fetched_at_the_next_sign_in_and_then_served_from_the_cache()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()));
        using var browser = new SignInClient(idp.AuthBase);
        using var other = new SignInClient(idp.AuthBase);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync("idp", Group, "ada", "ada-at-idp")).StatusCode);
        var warm = await idp.Provider.StatsAsync();
        Assert.Equal(HttpStatusCode.SeeOther, (await other.SignInAsync("idp", Group, "bob", "bob-at-idp")).StatusCode);
        Assert.Equal(warm.Jwks, (await idp.Provider.StatsAsync()).Jwks); // warm cache: no fetch

        await idp.Provider.RotateKeyAsync(dropOld: true);

        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync("idp", Group, "ada", "ada-at-idp")).StatusCode);
        var after = await idp.Provider.StatsAsync();
        Assert.Equal(warm.Jwks + 1, after.Jwks);
        Assert.Equal(HttpStatusCode.SeeOther, (await other.SignInAsync("idp", Group, "bob", "bob-at-idp")).StatusCode);
        Assert.Equal(after.Jwks, (await idp.Provider.StatsAsync()).Jwks);
    }
}
