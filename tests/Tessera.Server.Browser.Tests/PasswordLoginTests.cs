using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

public sealed class PasswordFixture : ConferenceFixture
{
    // One group per test, so a lock or a kick in one test cannot disturb another.
    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["login"] = GroupFiles.Ordinary,
        ["refusal"] = GroupFiles.Ordinary,
        ["phone"] = GroupFiles.Ordinary,
        ["guessing"] = GroupFiles.Ordinary,
    };

    // A throttled password waits 5 minutes instead of 1 s, so a slow page cannot outlast it.
    protected override string? ConfigJson => """{"loginThrottle": {"baseDelay": 300}}""";
}

public sealed class PasswordLoginTests(PasswordFixture fixture) : IClassFixture<PasswordFixture>
{
    [Fact]
    public async Task Password_login_shows_the_conference_with_the_users_role()
    {
        var page = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(page, fixture.GroupUrl("login"), "ada", "secret");

        var me = GroupPage.Users(page).GetByRole(AriaRole.Listitem).Filter(new() { HasText = "ada" });
        await Expect(me).ToContainTextAsync("op");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Leave" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Wrong_password_shows_the_refusal_and_keeps_the_form()
    {
        var page = await fixture.Browser.NewPageAsync();
        await GroupPage.SubmitLoginAsync(page, fixture.GroupUrl("refusal"), "ada", "not the password");

        await Expect(GroupPage.Notices(page)).ToContainTextAsync("The server said: not authorised");
        await Expect(page.GetByLabel("Password", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(GroupPage.MessageBox(page)).Not.ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task After_five_wrong_passwords_the_page_says_the_address_must_wait()
    {
        var page = await fixture.Browser.NewPageAsync();
        for (var i = 0; i < 5; i++)
        {
            await GroupPage.SubmitLoginAsync(page, fixture.GroupUrl("guessing"), "ada", $"guess {i}");
            await Expect(GroupPage.Notices(page)).ToContainTextAsync("The server said: not authorised");
        }
        await GroupPage.SubmitLoginAsync(page, fixture.GroupUrl("guessing"), "ada", "secret");
        await Expect(GroupPage.Notices(page)).ToContainTextAsync(
            new System.Text.RegularExpressions.Regex(@"The server said: too many failed attempts from your address; try again in \d+ s"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Leave_returns_to_the_login_form()
    {
        var page = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(page, fixture.GroupUrl("login"), "bob", "builder");

        await page.GetByRole(AriaRole.Button, new() { Name = "Leave" }).ClickAsync();

        await Expect(page.GetByLabel("Username", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(GroupPage.MessageBox(page)).Not.ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_a_phone_sized_screen_the_page_does_not_scroll_sideways()
    {
        var page = await fixture.Browser.NewPageAsync(new ViewportSize { Width = 375, Height = 700 });
        // On a phone the user list waits behind its button, so the message box tells the call is shown.
        await GroupPage.SubmitLoginAsync(page, fixture.GroupUrl("phone"), "ada", "secret");
        await Expect(GroupPage.MessageBox(page)).ToBeVisibleAsync();

        var overflow = await page.EvaluateAsync<int>(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"page is {overflow}px wider than the screen");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_pages_run_under_the_servers_content_security_policy_without_errors()
    {
        var page = await fixture.Browser.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning") lock (problems) problems.Add(message.Text);
        };
        page.PageError += (_, error) =>
        {
            lock (problems) problems.Add(error);
        };

        await page.GotoAsync(fixture.Server.BaseUrl + "/");
        await Expect(page.GetByLabel("Group", new() { Exact = true })).ToBeVisibleAsync();
        await GroupPage.LoginAsync(page, fixture.GroupUrl("phone"), "bob", "builder");
        await GroupPage.SayAsync(page, "/help");
        await Expect(GroupPage.Chat(page)).ToContainTextAsync("/invite");

        lock (problems) Assert.Empty(problems);
        await page.Context.CloseAsync();
    }
}
