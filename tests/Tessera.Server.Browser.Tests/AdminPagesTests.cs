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
    [Fact]
    public async Task The_group_page_offers_the_change_password_page_after_a_password_login_only()
    {
        var page = await PageAsync();
        await GroupPage.LoginAsync(page, fixture.GroupUrl("lab"), "bob", "bob-pw");
        var link = page.GetByRole(AriaRole.Link, new() { Name = "Change your password" });
        await Expect(link).ToBeVisibleAsync();
        var popup = await page.Context.RunAndWaitForPageAsync(() => link.ClickAsync());
        await Expect(popup.GetByLabel("Group", new() { Exact = true })).ToHaveValueAsync("lab");
        await Expect(popup.GetByLabel("Username")).ToHaveValueAsync("bob");
        await page.Context.CloseAsync();

        // An invitation token is not a password: the same server does not offer the link.
        using var admin = new HttpClient { BaseAddress = new Uri(fixture.Server.BaseUrl + "/galene-api/v0/") };
        admin.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("root:rootpw"u8.ToArray()));
        using var created = await admin.PostAsync(".groups/lab/.tokens/",
            new StringContent("""{"username": "tok", "permissions": ["present"], "expires": "2099-01-01T00:00:00Z"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(created.IsSuccessStatusCode, $"token creation: {(int)created.StatusCode}");
        var token = created.Headers.Location!.OriginalString.Split('/').Last();
        var invited = await PageAsync();
        await invited.GotoAsync(fixture.GroupUrl("lab") + "?token=" + Uri.EscapeDataString(token));
        await Expect(GroupPage.Users(invited)).ToContainTextAsync("tok");
        await Expect(invited.GetByRole(AriaRole.Link, new() { Name = "Change your password" })).ToHaveCountAsync(0);
        await invited.Context.CloseAsync();
    }
}
