using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

public sealed class LandingFixture : ConferenceFixture
{
    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["lab"] = """{"public":true,"displayName":"Open Lab","description":"Where experiments happen","users":{"ada":{"password":"secret","permissions":"op"}}}""",
        ["hidden"] = GroupFiles.Ordinary,
    };
}

public sealed class LandingPageTests(LandingFixture fixture) : IClassFixture<LandingFixture>
{
    [Fact]
    public async Task Lists_public_groups_with_display_name_description_and_link()
    {
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(fixture.Server.BaseUrl + "/");

        var list = page.GetByRole(AriaRole.List, new() { Name = "Public groups" });
        var link = list.GetByRole(AriaRole.Link, new() { Name = "Open Lab" });
        await Expect(link).ToBeVisibleAsync();
        await Expect(link).ToHaveAttributeAsync("href", fixture.GroupUrl("lab"));
        await Expect(list).ToContainTextAsync("Where experiments happen");
        await Expect(list).Not.ToContainTextAsync("hidden");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Opening_an_unknown_group_says_there_is_no_such_group()
    {
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(fixture.Server.BaseUrl + "/");

        await page.GetByLabel("Group", new() { Exact = true }).FillAsync("nowhere");
        await page.GetByLabel("Group", new() { Exact = true }).PressAsync("Enter");

        await Expect(GroupPage.Notices(page)).ToContainTextAsync("no such group");
        Assert.Equal(fixture.Server.BaseUrl + "/", page.Url);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Opening_an_existing_non_public_group_goes_to_its_login_page()
    {
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(fixture.Server.BaseUrl + "/");

        await page.GetByLabel("Group", new() { Exact = true }).FillAsync("hidden");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(fixture.GroupUrl("hidden"));
        await Expect(page.GetByLabel("Password", new() { Exact = true })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
