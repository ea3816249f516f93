using System.Text.Json;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>Logins through an authorisation server that refuses or declines to decide.</summary>
[Collection(TokenCollection.Name)]
public sealed class DelegatedLoginTests(TokenFixture fixture)
{
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
    public async Task An_authorisation_server_success_without_a_token_is_an_error_and_nothing_is_joined()
    {
        var page = await fixture.Browser.NewPageAsync();
        var frames = GroupPage.RecordSentFrames(page);

        await GroupPage.SubmitLoginAsync(page, fixture.GroupUrl("delegated"), "confused", "whatever");

        await Expect(GroupPage.Notices(page)).ToContainTextAsync("not a token");
        Assert.DoesNotContain(GroupPage.Parsed(frames), m => m.GetProperty("type").GetString() == "join");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_refused_portal_token_offers_the_portal_again_instead_of_looping()
    {
        var page = await fixture.Browser.NewPageAsync();
        var token = Jwt.Mint(fixture.GroupUrl("elsewhere"), "pat", ["present", "message"]);

        await page.GotoAsync($"{fixture.GroupUrl("portal")}?token={token}");

        await Expect(GroupPage.Notices(page)).ToContainTextAsync("The server said: not authorised");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Log in" })).ToBeVisibleAsync();
        Assert.Equal(fixture.GroupUrl("portal"), page.Url);
        await page.Context.CloseAsync();
    }
}
