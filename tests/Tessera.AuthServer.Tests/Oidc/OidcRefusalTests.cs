using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Tessera.AuthServer.Tests.Support;
using Tessera.Server.Tests.Support;

namespace Tessera.AuthServer.Tests.Oidc;

/// <summary>
/// Every way a single sign-on can be attacked or go wrong ends on a page that says so, with no
/// token: answers the provider really sends, altered as a broken or hostile provider would.
/// </summary>
public sealed class OidcRefusalTests(OidcProviderFixture idp) : IClassFixture<OidcProviderFixture>
{
    private const string Group = TestAuthServer.Conference + "group/lab/";

    [Theory]
    [InlineData("nonce")]
    [InlineData("wrong-audience")]
    [InlineData("wrong-issuer")]
    [InlineData("expired")]
    [InlineData("issued-in-future")]
    [InlineData("azp")]
    [InlineData("other-key")]
    [InlineData("unsigned")]
    public async Task An_ID_token_that_does_not_validate_signs_nobody_in(string tampering)
    {
        var log = new List<string>();
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()), log: new ListLoggerProvider(log));
        using var browser = new SignInClient(idp.AuthBase);
        var callback = await browser.UntilCallbackAsync("idp", Group, "ada", "ada-at-idp");

        await idp.Provider.TamperNextAsync(tampering);
        var answer = await browser.GetAsync(callback);

        await AssertRefusedAsync(answer, HttpStatusCode.Forbidden, "could not be accepted");
        lock (log) Assert.Contains(log, l => l.Contains("sign-in through idp refused: ID token refused"));
    }

    [Fact]
    public async Task A_callback_whose_state_this_browser_did_not_start_is_refused()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()));
        using var browser = new SignInClient(idp.AuthBase);
        var callback = await browser.UntilCallbackAsync("idp", Group, "ada", "ada-at-idp");
        var q = QueryHelpers.ParseQuery(new Uri(callback).Query);

        var forged = await browser.GetAsync(QueryHelpers.AddQueryString(idp.AuthBase + "oidc/idp/callback",
            new Dictionary<string, string?> { ["code"] = q["code"], ["state"] = q["state"] + "x", ["iss"] = q["iss"] }));
        await AssertRefusedAsync(forged, HttpStatusCode.Forbidden, "not started in this browser");

        // Login CSRF: the attacker's own callback, opened in the victim's browser.
        using var victim = new SignInClient(idp.AuthBase);
        await AssertRefusedAsync(await victim.GetAsync(callback), HttpStatusCode.Forbidden, "not started in this browser");
    }

    [Fact]
    public async Task A_callback_is_used_once_and_a_spent_code_is_refused_by_the_provider()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()));
        using var browser = new SignInClient(idp.AuthBase);
        var callback = await browser.UntilCallbackAsync("idp", Group, "ada", "ada-at-idp");
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.GetAsync(callback)).StatusCode);

        await AssertRefusedAsync(await browser.GetAsync(callback), HttpStatusCode.Forbidden, "already been used");

        // The same code under a fresh, valid state of this browser: only the provider can tell.
        await browser.StartAsync("idp", Group);
        var fresh = QueryHelpers.ParseQuery(browser.AuthorizationRequest!.Query)["state"].ToString();
        var code = QueryHelpers.ParseQuery(new Uri(callback).Query)["code"].ToString();
        var tokenRequests = (await idp.Provider.StatsAsync()).Token;
        var replay = await browser.GetAsync($"{idp.AuthBase}oidc/idp/callback?code={Uri.EscapeDataString(code)}&state={fresh}");
        await AssertRefusedAsync(replay, HttpStatusCode.Forbidden, "could not be accepted");
        Assert.Equal(tokenRequests + 1, (await idp.Provider.StatsAsync()).Token);
    }

    [Fact]
    public async Task A_sign_in_left_at_the_provider_longer_than_the_login_timeout_must_start_again()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend(configure: b => b["loginTimeout"] = 60)));
        using var browser = new SignInClient(idp.AuthBase);
        var callback = await browser.UntilCallbackAsync("idp", Group, "ada", "ada-at-idp");

        server.Time.Advance(TimeSpan.FromSeconds(61));

        await AssertRefusedAsync(await browser.GetAsync(callback), HttpStatusCode.Forbidden, "took too long");
    }

    [Fact]
    public async Task A_person_who_refuses_consent_at_the_provider_comes_back_to_a_page_that_says_so()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()));
        using var browser = new SignInClient(idp.AuthBase);

        var answer = await browser.GetAsync(await browser.UntilCallbackAsync("idp", Group, "ada", "ada-at-idp", consent: false));

        await AssertRefusedAsync(answer, HttpStatusCode.Forbidden, "You did not sign in");
    }

    [Fact]
    public async Task Sign_ins_started_over_and_over_keep_a_few_cookies_and_forget_the_oldest()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()));
        using var browser = new SignInClient(idp.AuthBase);
        var oldest = await browser.UntilCallbackAsync("idp", Group, "ada", "ada-at-idp");

        for (var i = 0; i < 6; i++) Assert.Equal(HttpStatusCode.SeeOther, (await browser.StartAsync("idp", Group)).StatusCode);

        Assert.Equal(4, browser.CookieCount("tessera-oidc-"));
        await AssertRefusedAsync(await browser.GetAsync(oldest), HttpStatusCode.Forbidden, "not started in this browser");
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync("idp", Group, "ada", "ada-at-idp")).StatusCode);
    }

    [Fact]
    public async Task A_person_no_rule_admits_gets_a_page_that_says_so()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()));
        using var browser = new SignInClient(idp.AuthBase);

        var answer = await browser.SignInAsync("idp", Group, "eve", "eve-at-idp");

        await AssertRefusedAsync(answer, HttpStatusCode.Forbidden, "You are signed in as eve, but you are not allowed to join lab");
    }

    [Fact]
    public async Task Sign_ins_are_counted_in_the_metrics_by_provider_and_reason()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()),
            configure: c => c["metrics"] = new JsonObject { ["enabled"] = true, ["allowFrom"] = new JsonArray("127.0.0.0/8") });
        using var ada = new SignInClient(idp.AuthBase);
        using var eve = new SignInClient(idp.AuthBase);
        Assert.Equal(HttpStatusCode.SeeOther, (await ada.SignInAsync("idp", Group, "ada", "ada-at-idp")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await eve.SignInAsync("idp", Group, "eve", "eve-at-idp")).StatusCode);
        var callback = await ada.UntilCallbackAsync("idp", Group, "ada", "ada-at-idp");
        await idp.Provider.TamperNextAsync("expired");
        Assert.Equal(HttpStatusCode.Forbidden, (await ada.GetAsync(callback)).StatusCode);

        var metrics = await server.Client.GetStringAsync("metrics");

        Assert.Contains("tessera_auth_tokens_issued_total{backend=\"oidc:idp\"} 1", metrics);
        Assert.Contains("tessera_auth_logins_refused_total{backend=\"oidc:idp\",reason=\"denied\"} 1", metrics);
        Assert.Contains("tessera_auth_logins_refused_total{backend=\"oidc:idp\",reason=\"rejected\"} 1", metrics);
    }

    [Fact]
    public async Task A_username_claim_that_is_not_a_valid_username_is_refused()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()),
            new JsonArray(new JsonObject { ["permissions"] = "present" }));
        using var browser = new SignInClient(idp.AuthBase);

        var answer = await browser.SignInAsync("idp", Group, "mallory", "mallory-at-idp");

        await AssertRefusedAsync(answer, HttpStatusCode.Forbidden, "did not give a username");
    }

    [Fact]
    public async Task A_provider_that_does_not_answer_gives_a_clear_page_and_the_server_goes_on()
    {
        var closedPort = FreePort.Find(); // nobody listens there
        await using var server = await idp.StartAuthServerAsync(new JsonArray(
            idp.Backend(), idp.Backend("down", b => b["issuer"] = $"http://127.0.0.1:{closedPort}")));
        using var browser = new SignInClient(idp.AuthBase);

        await AssertRefusedAsync(await browser.StartAsync("down", Group), HttpStatusCode.BadGateway, "not answering");

        // The token endpoint failing after the person signed in.
        var callback = await browser.UntilCallbackAsync("idp", Group, "ada", "ada-at-idp");
        await idp.Provider.TamperNextAsync("token-error");
        await AssertRefusedAsync(await browser.GetAsync(callback), HttpStatusCode.BadGateway, "not answering properly");

        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync("idp", Group, "ada", "ada-at-idp")).StatusCode);
    }

    [Fact]
    public async Task Failed_sign_ins_from_one_address_are_throttled_before_the_provider_is_asked()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()),
            configure: c => c["throttle"] = new JsonObject { ["attemptBurst"] = 2, ["attemptsPerSecond"] = 0.001 });
        using var browser = new SignInClient(idp.AuthBase);
        // A success gives its attempt back; two failures empty the bucket.
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync("idp", Group, "ada", "ada-at-idp")).StatusCode);
        for (var i = 0; i < 2; i++)
        {
            var callback = await browser.UntilCallbackAsync("idp", Group, "ada", "ada-at-idp");
            await idp.Provider.TamperNextAsync("nonce");
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(callback)).StatusCode);
        }
        var throttled = await browser.UntilCallbackAsync("idp", Group, "ada", "ada-at-idp");
        var tokenRequests = (await idp.Provider.StatsAsync()).Token;

        var answer = await browser.GetAsync(throttled);

        await AssertRefusedAsync(answer, HttpStatusCode.TooManyRequests, "Too many sign-ins from your address");
        Assert.True(answer.Headers.RetryAfter!.Delta > TimeSpan.Zero);
        Assert.Equal(tokenRequests, (await idp.Provider.StatsAsync()).Token);
    }

    [Fact]
    public async Task A_discovery_document_that_sends_the_code_in_clear_elsewhere_is_not_used()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()));
        using var browser = new SignInClient(idp.AuthBase);
        await idp.Provider.TamperNextAsync("insecure-discovery");

        await AssertRefusedAsync(await browser.StartAsync("idp", Group), HttpStatusCode.BadGateway, "not answering");

        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync("idp", Group, "ada", "ada-at-idp")).StatusCode);
    }

    [Fact]
    public async Task Start_refuses_a_group_on_a_server_the_portal_does_not_serve()
    {
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()));
        using var browser = new SignInClient(idp.AuthBase);

        await AssertRefusedAsync(await browser.StartAsync("idp", "https://evil.example.net/group/lab/"), HttpStatusCode.BadRequest,
                                 "does not name a group");
        await AssertRefusedAsync(await browser.StartAsync("idp", TestAuthServer.Conference + "group/../admin/"), HttpStatusCode.BadRequest,
                                 "does not name a group");
        Assert.Equal(HttpStatusCode.NotFound, (await browser.StartAsync("nosuch", Group)).StatusCode);
    }

    [Fact]
    public async Task Neither_the_code_nor_any_token_nor_the_client_secret_reaches_the_log()
    {
        var log = new List<string>();
        await using var server = await idp.StartAuthServerAsync(new JsonArray(idp.Backend()), log: new ListLoggerProvider(log));
        using var browser = new SignInClient(idp.AuthBase);
        var callback = await browser.UntilCallbackAsync("idp", Group, "ada", "ada-at-idp");
        var answer = await browser.GetAsync(callback);
        var q = QueryHelpers.ParseQuery(new Uri(callback).Query);
        var token = QueryHelpers.ParseQuery(answer.Headers.Location!.Query)["token"].ToString();
        await idp.Provider.TamperNextAsync("other-key");
        await browser.GetAsync(await browser.UntilCallbackAsync("idp", Group, "ada", "ada-at-idp"));

        lock (log)
        {
            Assert.Contains(log, l => l.Contains("token issued: user ada group lab from 127.0.0.1 backend oidc:idp"));
            Assert.Contains(log, l => l.Contains("refused"));
            Assert.All(log, l =>
            {
                Assert.DoesNotContain(q["code"].ToString(), l);
                Assert.DoesNotContain(q["state"].ToString(), l);
                Assert.DoesNotContain(token, l);
                Assert.DoesNotContain(token.Split('.')[1], l);
                Assert.DoesNotContain(OidcProviderFixture.Secret, l);
                Assert.DoesNotContain("eyJ", l); // no JWT of any kind
            });
        }
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage answer, HttpStatusCode status, string says)
    {
        var page = await answer.Content.ReadAsStringAsync();
        Assert.True(status == answer.StatusCode, $"{(int)answer.StatusCode}: {page}");
        Assert.Null(answer.Headers.Location);
        Assert.Contains(says, System.Net.WebUtility.HtmlDecode(page));
        Assert.Contains("default-src 'none'", answer.Headers.GetValues("Content-Security-Policy").Single());
    }
}
