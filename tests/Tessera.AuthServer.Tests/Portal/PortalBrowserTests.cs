using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Portal;

/// <summary>One headless Chromium for the class: starting it is the slow part.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>The portal in headless Chromium: a person fills the form and lands on the conference page with a token.</summary>
public sealed class PortalBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Signing_in_lands_on_the_conference_page_with_a_verifiable_token()
    {
        await using var conference = await ConferencePage.StartAsync();
        await using var server = await TestAuthServer.StartAsync(c => c["conferences"] = new JsonArray(conference.BaseUrl));
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var groupUrl = conference.BaseUrl + "group/lab/";

        await page.GotoAsync(server.BaseAddress + "?return=" + Uri.EscapeDataString(groupUrl));
        await page.GetByLabel("Username").FillAsync("john");
        await page.GetByLabel("Password").FillAsync("john-pw");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(groupUrl + "?token="), new() { Timeout = 10_000 });

        Assert.Equal("lab", await page.Locator("#group").TextContentAsync());
        var token = Uri.UnescapeDataString(new Uri(page.Url).Query["?token=".Length..]);
        Assert.Equal(groupUrl, TokenChecks.Claims(token).GetProperty("aud").GetString());
        Assert.True(TokenChecks.VerifiesAgainst(token, await server.Client.GetStringAsync(".well-known/jwks.json")));
    }

    [Fact]
    public async Task A_wrong_password_stays_on_the_portal_with_an_error()
    {
        await using var conference = await ConferencePage.StartAsync();
        await using var server = await TestAuthServer.StartAsync(c => c["conferences"] = new JsonArray(conference.BaseUrl));
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(server.BaseAddress + "?return=" + Uri.EscapeDataString(conference.BaseUrl + "group/lab/"));
        await page.GetByLabel("Username").FillAsync("john");
        await page.GetByLabel("Password").FillAsync("wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong username or password");
        Assert.StartsWith(server.BaseAddress.ToString(), page.Url);
        Assert.Equal("", await page.GetByLabel("Password").InputValueAsync());
    }
}
