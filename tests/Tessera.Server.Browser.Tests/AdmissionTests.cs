using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

public sealed class AdmissionFixture : ConferenceFixture
{
    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["future"] = """{"not-before":"2999-01-01T00:00:00Z","users":{"bob":{"password":"builder","permissions":"present"}}}""",
        ["past"] = """{"expires":"2000-01-01T00:00:00Z","users":{"bob":{"password":"builder","permissions":"present"}}}""",
        ["small"] = """{"max-clients":1,"users":{"bob":{"password":"builder","permissions":"present"},"carol":{"password":"c","permissions":"present"}}}""",
    };
}

/// <summary>Groups that turn people away say why, plainly.</summary>
public sealed class AdmissionTests(AdmissionFixture fixture) : IClassFixture<AdmissionFixture>
{
    [Theory]
    [InlineData("future", "this group is not open yet")]
    [InlineData("past", "this group is closed")]
    public async Task A_group_outside_its_dates_says_so(string group, string text)
    {
        var page = await fixture.Browser.NewPageAsync();

        await GroupPage.SubmitLoginAsync(page, fixture.GroupUrl(group), "bob", "builder");

        await Expect(GroupPage.Notices(page)).ToContainTextAsync($"The server said: {text}");
        await Expect(GroupPage.MessageBox(page)).Not.ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_full_group_says_so()
    {
        var bob = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(bob, fixture.GroupUrl("small"), "bob", "builder");
        var carol = await fixture.Browser.NewPageAsync();

        await GroupPage.SubmitLoginAsync(carol, fixture.GroupUrl("small"), "carol", "c");

        await Expect(GroupPage.Notices(carol)).ToContainTextAsync("The server said: too many users");
        await bob.Context.CloseAsync();
        await carol.Context.CloseAsync();
    }
}
