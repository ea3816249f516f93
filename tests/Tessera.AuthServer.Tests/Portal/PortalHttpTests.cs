using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Portal;

/// <summary>The portal's form and its POST over real HTTP, without a browser.</summary>
public sealed partial class PortalHttpTests
{
    private const string Lab = TestAuthServer.Conference + "group/lab/";

    [GeneratedRegex("name=\"state\" value=\"([^\"]+)\"")]
    private static partial Regex StateField();

    /// <summary>Loads the form; returns the cookie header to send back and the state field.</summary>
    private static async Task<(string Cookie, string State, HttpResponseMessage Response, string Html)> OpenForm(TestAuthServer server, string query)
    {
        var response = await server.Client.GetAsync("/" + query);
        var html = await response.Content.ReadAsStringAsync();
        var setCookie = response.Headers.TryGetValues("Set-Cookie", out var v) ? v.Single() : "";
        var cookie = setCookie.Split(';')[0];
        var state = StateField().Match(html).Groups[1].Value;
        return (cookie, WebUtility.HtmlDecode(state), response, html);
    }

    private static Task<HttpResponseMessage> Submit(TestAuthServer server, string cookie, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent(fields) };
        if (cookie.Length > 0) request.Headers.Add("Cookie", cookie);
        return server.Client.SendAsync(request);
    }

    private static Dictionary<string, string> Fields(string state, string username, string password, string? returnUrl = Lab) => new()
    {
        ["state"] = state,
        ["username"] = username,
        ["password"] = password,
        ["return"] = returnUrl ?? "",
    };

    [Fact]
    public async Task The_form_is_plain_html_with_labelled_fields_and_a_bound_state()
    {
        await using var server = await TestAuthServer.StartAsync();
        var (cookie, state, response, html) = await OpenForm(server, "?return=" + Uri.EscapeDataString(Lab));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<label for=\"username\">Username</label>", html);
        Assert.Contains("<label for=\"password\">Password</label>", html);
        Assert.Contains("type=\"password\"", html);
        Assert.DoesNotContain("<script", html);
        Assert.StartsWith("tessera-portal=", cookie);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant();
        Assert.Contains("httponly", setCookie);
        Assert.Contains("samesite=lax", setCookie);
        Assert.NotEmpty(state);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("form-action 'self' " + TestAuthServer.ConferenceOrigin, csp);
        Assert.Contains("frame-ancestors 'none'", csp);
    }

    [Fact]
    public async Task A_right_password_redirects_to_the_group_with_a_portal_token()
    {
        await using var server = await TestAuthServer.StartAsync();
        var (cookie, state, _, _) = await OpenForm(server, "?return=" + Uri.EscapeDataString(Lab));
        var response = await Submit(server, cookie, Fields(state, "john", "john-pw"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(Lab + "?token=", location);
        var token = Uri.UnescapeDataString(location[(Lab.Length + "?token=".Length)..]);
        var claims = TokenChecks.Claims(token);
        Assert.Equal(Lab, claims.GetProperty("aud").GetString());
        Assert.Equal("john", claims.GetProperty("sub").GetString());
        Assert.Equal(300, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
        Assert.True(TokenChecks.VerifiesAgainst(token, await server.Client.GetStringAsync(".well-known/jwks.json")));
    }

    [Fact]
    public async Task Group_and_conference_fields_are_an_alternative_to_a_return_url()
    {
        await using var server = await TestAuthServer.StartAsync();
        var (cookie, state, _, html) = await OpenForm(server, "?group=lectures%2Fmaths&conference=" + Uri.EscapeDataString(TestAuthServer.Conference));
        Assert.Contains("lectures/maths", html);
        var response = await Submit(server, cookie, new Dictionary<string, string>
        {
            ["state"] = state, ["username"] = "john", ["password"] = "john-pw",
            ["group"] = "lectures/maths", ["conference"] = TestAuthServer.Conference,
        });
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.StartsWith(TestAuthServer.Conference + "group/lectures/maths/?token=", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task With_fragment_delivery_the_token_stays_out_of_the_query()
    {
        await using var server = await TestAuthServer.StartAsync(c => c["portalTokenIn"] = "fragment");
        var (cookie, state, _, _) = await OpenForm(server, "?return=" + Uri.EscapeDataString(Lab));
        var response = await Submit(server, cookie, Fields(state, "john", "john-pw"));
        Assert.StartsWith(Lab + "#token=", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_wrong_state_is_refused()
    {
        await using var server = await TestAuthServer.StartAsync();
        var (cookie, state, _, _) = await OpenForm(server, "?return=" + Uri.EscapeDataString(Lab));
        var response = await Submit(server, cookie, Fields(state[..^2] + (state.EndsWith("AA") ? "BB" : "AA"), "john", "john-pw"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_state_without_its_cookie_is_refused()
    {
        // Login CSRF: another site can post a state it obtained itself, but not the victim's cookie.
        await using var server = await TestAuthServer.StartAsync();
        var (_, state, _, _) = await OpenForm(server, "?return=" + Uri.EscapeDataString(Lab));
        var response = await Submit(server, "", Fields(state, "john", "john-pw"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_state_from_another_browser_is_refused()
    {
        await using var server = await TestAuthServer.StartAsync();
        var (_, attackerState, _, _) = await OpenForm(server, "");
        var (victimCookie, _, _, _) = await OpenForm(server, "");
        var response = await Submit(server, victimCookie, Fields(attackerState, "john", "john-pw"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_failed_login_re_renders_the_form_without_the_password()
    {
        await using var server = await TestAuthServer.StartAsync();
        var (cookie, state, _, _) = await OpenForm(server, "?return=" + Uri.EscapeDataString(Lab));
        var response = await Submit(server, cookie, Fields(state, "john", "Sup3r-secret-guess"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Wrong username or password", html);
        Assert.Contains("value=\"john\"", html);
        Assert.DoesNotContain("Sup3r-secret-guess", html);
        Assert.Matches(StateField(), html);
    }

    [Fact]
    public async Task The_portal_never_falls_back_to_204()
    {
        await using var server = await TestAuthServer.StartAsync(c => c["passwordFallback"] = true);
        var (cookie, state, _, _) = await OpenForm(server, "?return=" + Uri.EscapeDataString(Lab));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Submit(server, cookie, Fields(state, "mallory", "x"))).StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example.net/group/lab/")]
    [InlineData("https://meet.example.org.evil.net/group/lab/")]
    [InlineData("https://meet.example.org@evil.net/group/lab/")]
    [InlineData("//evil.example.net/group/lab/")]
    [InlineData("javascript:alert(1)//group/lab/")]
    [InlineData("https://meet.example.org/group/../../evil/")]
    [InlineData("https://meet.example.org/elsewhere/")]
    public async Task A_return_url_outside_the_configured_conferences_is_never_followed(string target)
    {
        await using var server = await TestAuthServer.StartAsync();
        var (cookie, state, get, _) = await OpenForm(server, "?return=" + Uri.EscapeDataString(target));
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        var response = await Submit(server, cookie, Fields(state, "john", "john-pw", target));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_conference_field_that_is_not_configured_is_refused()
    {
        await using var server = await TestAuthServer.StartAsync();
        var (cookie, state, _, _) = await OpenForm(server, "");
        var response = await Submit(server, cookie, new Dictionary<string, string>
        {
            ["state"] = state, ["username"] = "john", ["password"] = "john-pw",
            ["group"] = "lab", ["conference"] = "https://evil.example.net/",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Values_shown_in_the_page_are_html_encoded()
    {
        await using var server = await TestAuthServer.StartAsync();
        var (_, _, _, html) = await OpenForm(server, "?group=" + Uri.EscapeDataString("<script>x</script>"));
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);

        var (cookie, state, _, _) = await OpenForm(server, "?return=" + Uri.EscapeDataString(Lab));
        var response = await Submit(server, cookie, Fields(state, "\"><img src=x onerror=alert(1)>", "x"));
        Assert.DoesNotContain("<img", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_portal_the_form_is_not_served()
    {
        await using var server = await TestAuthServer.StartAsync(c => c["portal"] = false);
        // POST / exists, so GET / is "method not allowed" rather than "not found".
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await server.Client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.PostAsync("/login", new FormUrlEncodedContent([]))).StatusCode);
    }

    [Fact]
    public async Task Portal_failures_are_throttled_too()
    {
        await using var server = await TestAuthServer.StartAsync();
        var (cookie, state, _, _) = await OpenForm(server, "?return=" + Uri.EscapeDataString(Lab));
        for (var i = 0; i < 6; i++) await Submit(server, cookie, Fields(state, "john", "guess" + i));
        var response = await Submit(server, cookie, Fields(state, "john", "john-pw"));
        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_non_form_post_is_refused()
    {
        await using var server = await TestAuthServer.StartAsync();
        var response = await server.Client.PostAsync("/login", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
