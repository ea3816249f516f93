using System.Text.Json;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>Logins through an authorisation server that refuses or declines to decide.</summary>
public sealed class DelegatedLoginTests(TokenFixture fixture) : IClassFixture<TokenFixture>
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
}
