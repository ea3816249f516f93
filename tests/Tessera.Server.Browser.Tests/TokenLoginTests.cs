using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// Groups that delegate authentication: JWT keys, an authorisation server and an authorisation
/// portal, both run by the fixture on loopback as a deployment would run them beside Tessera.
/// </summary>
public sealed class TokenFixture : ConferenceFixture
{
    LoopbackWebHost? authServer;
    LoopbackWebHost? portal;

    /// <summary>Bodies the authorisation server received, in order.</summary>
    public List<JsonElement> AuthRequests { get; } = [];

    public string AuthServerUrl => authServer!.BaseUrl + "/token";

    protected override async Task StartHelpersAsync()
    {
        authServer = await LoopbackWebHost.StartAsync(app =>
        {
            // A cross-origin endpoint: CORS preflight and answer headers, as auth.md §9 requires.
            app.Use(async (context, next) =>
            {
                context.Response.Headers.AccessControlAllowOrigin = "*";
                context.Response.Headers.AccessControlAllowMethods = "POST";
                context.Response.Headers.AccessControlAllowHeaders = "Content-Type";
                if (HttpMethods.IsOptions(context.Request.Method)) return;
                await next(context);
            });
            app.MapPost("/token", async context =>
            {
                var body = (await JsonDocument.ParseAsync(context.Request.Body)).RootElement.Clone();
                lock (AuthRequests) AuthRequests.Add(body);
                var username = body.GetProperty("username").GetString();
                var password = body.GetProperty("password").GetString();
                var location = body.GetProperty("location").GetString()!;
                if (username == "ada" && password == "delegated secret")
                {
                    context.Response.ContentType = "application/jwt";
                    context.Response.Headers.CacheControl = "no-store";
                    await context.Response.WriteAsync(Jwt.Mint(location, "ada", ["op", "present", "message", "token"]) + "\n");
                }
                else if (username == "local")
                {
                    // Declines to decide: the conference server checks the password itself.
                    context.Response.StatusCode = StatusCodes.Status204NoContent;
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }
            });
        });
        portal = await LoopbackWebHost.StartAsync(app =>
        {
            // The portal "authenticates" pat and sends the browser back with a token in the query.
            app.MapGet("/login", context =>
            {
                var group = GroupUrl("portal");
                var token = Jwt.Mint(group, "pat", ["present", "message"]);
                context.Response.Redirect($"{group}?token={token}");
                return Task.CompletedTask;
            });
        });
    }

    protected override async ValueTask StopHelpersAsync()
    {
        if (authServer is not null) await authServer.DisposeAsync();
        if (portal is not null) await portal.DisposeAsync();
    }

    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["jwt"] = GroupFiles.WithKeys(),
        ["fragment"] = GroupFiles.WithKeys(),
        ["delegated"] = GroupFiles.WithKeys(
            $$$""","authServer":"{{{AuthServerUrl}}}","users":{"local":{"password":"own password","permissions":"present"}}"""),
        ["portal"] = GroupFiles.WithKeys($$""","authPortal":"{{portal!.BaseUrl}}/login" """),
        ["invite"] = GroupFiles.Ordinary,
    };
}

public sealed class TokenLoginTests(TokenFixture fixture) : IClassFixture<TokenFixture>
{
    [Fact]
    public async Task A_jwt_in_the_query_logs_in_and_disappears_from_the_address_and_history()
    {
        var page = await fixture.Browser.NewPageAsync();
        var token = Jwt.Mint(fixture.GroupUrl("jwt"), "jay", ["present", "message"]);

        await page.GotoAsync($"{fixture.GroupUrl("jwt")}?token={token}");

        await Expect(GroupPage.MessageBox(page)).ToBeVisibleAsync();
        await Expect(GroupPage.Users(page)).ToContainTextAsync("jay");
        Assert.Equal(fixture.GroupUrl("jwt"), page.Url);
        Assert.DoesNotContain(token, await page.EvaluateAsync<string>("() => location.href + JSON.stringify(history.state)"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_jwt_in_the_fragment_logs_in_and_disappears_from_the_address()
    {
        var page = await fixture.Browser.NewPageAsync();
        var token = Jwt.Mint(fixture.GroupUrl("fragment"), "fay", ["present", "message"]);

        await page.GotoAsync($"{fixture.GroupUrl("fragment")}#token={token}");

        await Expect(GroupPage.Users(page)).ToContainTextAsync("fay");
        Assert.Equal(fixture.GroupUrl("fragment"), page.Url);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_jwt_for_another_group_is_refused_plainly()
    {
        var page = await fixture.Browser.NewPageAsync();
        var token = Jwt.Mint(fixture.GroupUrl("elsewhere"), "mallory", ["op"]);

        await page.GotoAsync($"{fixture.GroupUrl("jwt")}?token={token}");

        await Expect(GroupPage.Notices(page)).ToContainTextAsync("The server said: not authorised");
        await Expect(GroupPage.MessageBox(page)).Not.ToBeVisibleAsync();
        Assert.DoesNotContain(token, page.Url);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Authorisation_server_login_never_sends_the_password_over_the_websocket()
    {
        var page = await fixture.Browser.NewPageAsync();
        var frames = GroupPage.RecordSentFrames(page);

        await GroupPage.LoginAsync(page, fixture.GroupUrl("delegated"), "ada", "delegated secret");

        var sent = GroupPage.Parsed(frames);
        Assert.Contains(sent, m => m.GetProperty("type").GetString() == "join" && m.TryGetProperty("token", out _));
        lock (frames) Assert.All(frames, f => Assert.DoesNotContain("delegated secret", f));
        JsonElement request;
        lock (fixture.AuthRequests) request = fixture.AuthRequests.Last(r => r.GetProperty("username").GetString() == "ada");
        Assert.Equal(fixture.GroupUrl("delegated"), request.GetProperty("location").GetString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_authorisation_server_refusal_is_shown_with_its_status()
    {
        var page = await fixture.Browser.NewPageAsync();
        var frames = GroupPage.RecordSentFrames(page);

        await GroupPage.SubmitLoginAsync(page, fixture.GroupUrl("delegated"), "ada", "wrong");

        await Expect(GroupPage.Notices(page)).ToContainTextAsync("The authorisation server said 401 Unauthorized");
        Assert.DoesNotContain(GroupPage.Parsed(frames), m => m.GetProperty("type").GetString() == "join");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task When_the_authorisation_server_declines_to_decide_the_password_goes_to_the_conference_server()
    {
        var page = await fixture.Browser.NewPageAsync();

        await GroupPage.LoginAsync(page, fixture.GroupUrl("delegated"), "local", "own password");

        await Expect(GroupPage.Users(page)).ToContainTextAsync("presenter");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_portal_round_trip_logs_in_without_a_form()
    {
        var page = await fixture.Browser.NewPageAsync();
        var frames = GroupPage.RecordSentFrames(page);

        await page.GotoAsync(fixture.GroupUrl("portal"));

        await Expect(GroupPage.Users(page)).ToContainTextAsync("pat");
        Assert.Equal(fixture.GroupUrl("portal"), page.Url);
        lock (frames) Assert.DoesNotContain(frames, f => f.Contains("\"password\""));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_invitation_made_with_invite_logs_a_fresh_browser_in()
    {
        var ada = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("invite"), "ada", "secret");

        await GroupPage.SayAsync(ada, "/invite 2h");
        var linkBox = ada.GetByRole(AriaRole.Textbox, new() { Name = "Invitation link" });
        await Expect(linkBox).ToBeVisibleAsync();
        var link = await linkBox.InputValueAsync();
        Assert.StartsWith(fixture.GroupUrl("invite") + "?token=", link);
        await Expect(ada.GetByRole(AriaRole.Button, new() { Name = "Copy" })).ToBeVisibleAsync();

        var guest = await fixture.Browser.NewPageAsync();
        await guest.GotoAsync(link);
        // The invitation names nobody, so the page asks for a name (need-username) without a password.
        await Expect(guest.GetByLabel("Password", new() { Exact = true })).Not.ToBeVisibleAsync();
        await guest.GetByLabel("Username", new() { Exact = true }).FillAsync("guest1");
        await guest.GetByRole(AriaRole.Button, new() { Name = "Join", Exact = true }).ClickAsync();

        await Expect(GroupPage.Users(guest)).ToContainTextAsync("guest1");
        Assert.Equal(fixture.GroupUrl("invite"), guest.Url);
        await Expect(GroupPage.Users(ada)).ToContainTextAsync("guest1");
        await ada.Context.CloseAsync();
        await guest.Context.CloseAsync();
    }
}
