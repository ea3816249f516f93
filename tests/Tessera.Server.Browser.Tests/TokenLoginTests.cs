using System.Text.Json;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>Logins by token: JWT in the URL, authorisation server, portal, invitations.</summary>
[Collection(TokenCollection.Name)]
public sealed class TokenLoginTests(TokenFixture fixture)
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

    [Fact]
    public async Task An_invitation_for_a_named_guest_logs_in_without_asking_anything()
    {
        var ada = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("invite"), "ada", "secret");

        await GroupPage.SayAsync(ada, "/invite dora 1h");
        var linkBox = ada.GetByRole(AriaRole.Textbox, new() { Name = "Invitation link" });
        await Expect(ada.GetByText("Invitation for dora")).ToBeVisibleAsync();
        var link = await linkBox.InputValueAsync();

        var guest = await fixture.Browser.NewPageAsync();
        await guest.GotoAsync(link);

        await Expect(GroupPage.Users(guest)).ToContainTextAsync("dora");
        Assert.Equal(fixture.GroupUrl("invite"), guest.Url);
        await ada.Context.CloseAsync();
        await guest.Context.CloseAsync();
    }
}
