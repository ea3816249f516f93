using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

public sealed class AdminPagesFixture : ConferenceFixture
{
    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["lab"] = """{"users":{"ada":{"password":"ada-old","permissions":"op"},"bob":{"password":"bob-pw","permissions":"present"}}}""",
    };

    protected override string? ConfigJson =>
        """{"writableGroups": true, "users": {"root": {"password": "rootpw", "permissions": "admin"}}}""";
}

/// <summary>The statistics page and the change-password page, in headless Chromium against the real server.</summary>
public sealed class AdminPagesTests(AdminPagesFixture fixture) : IClassFixture<AdminPagesFixture>
{
    private async Task<IPage> PageAsync(string? user = null, string? password = null)
    {
        var context = await fixture.Browser.Browser.NewContextAsync(new()
        {
            HttpCredentials = user is null ? null : new HttpCredentials { Username = user, Password = password! },
        });
        return await context.NewPageAsync();
    }

    private async Task<RawClient> JoinAsync(string username, string password)
    {
        var client = await RawClient.ConnectAsync(fixture.Server.BaseUrl);
        await client.SendAsync(new JsonObject { ["type"] = "join", ["kind"] = "join", ["group"] = "lab", ["username"] = username, ["password"] = password });
        var reply = (await client.ReceiveUntilAsync(m => (string?)m["type"] == "joined")).Last();
        Assert.Equal("join", (string?)reply["kind"]);
        return client;
    }

    [Fact]
    public async Task The_statistics_page_shows_each_group_and_its_clients_to_an_administrator()
    {
        await using var bob = await JoinAsync("bob", "bob-pw");
        var page = await PageAsync("root", "rootpw");
        await page.GotoAsync(fixture.Server.BaseUrl + "/stats.html");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "lab" });
        await Expect(table).ToBeVisibleAsync();
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = bob.Id })).ToContainTextAsync("bob");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_statistics_page_tells_a_non_administrator_why_it_is_empty()
    {
        var page = await PageAsync("bob", "bob-pw");
        await page.GotoAsync(fixture.Server.BaseUrl + "/stats.html");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("for server administrators");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_user_changes_their_own_password_and_then_logs_in_with_it()
    {
        var page = await PageAsync();
        await page.GotoAsync(fixture.Server.BaseUrl + "/change-password.html?group=lab");
        await Expect(page.GetByLabel("Group", new() { Exact = true })).ToHaveValueAsync("lab");
        await page.GetByLabel("Username").FillAsync("ada");
        await page.GetByLabel("Current password").FillAsync("wrong");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("ada-new");
        await page.GetByLabel("New password again").FillAsync("ada-new");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("current password is wrong");

        await page.GetByLabel("Current password").FillAsync("ada-old");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("ada-new");
        await page.GetByLabel("New password again").FillAsync("ada-new");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("has been changed");
        await page.Context.CloseAsync();

        await using var ada = await JoinAsync("ada", "ada-new");
    }
}
