using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

public sealed class ModerationFixture : ConferenceFixture
{
    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["hands"] = GroupFiles.Ordinary,
        ["roles"] = GroupFiles.Ordinary,
        ["clear"] = GroupFiles.Ordinary,
        ["keyboard"] = GroupFiles.Ordinary,
    };
}

/// <summary>Operators acting on members through the user menu and slash commands.</summary>
public sealed class ModerationTests(ModerationFixture fixture) : IClassFixture<ModerationFixture>
{
    static ILocator UserEntry(IPage page, string name) => GroupPage.UserEntry(page, name);

    [Fact]
    public async Task A_raised_hand_shows_in_everybodys_user_list()
    {
        var ada = await fixture.Browser.NewPageAsync();
        var bob = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("hands"), "ada", "secret");
        await GroupPage.LoginAsync(bob, fixture.GroupUrl("hands"), "bob", "builder");

        await bob.GetByRole(AriaRole.Button, new() { Name = "Raise hand" }).ClickAsync();

        await Expect(UserEntry(ada, "bob")).ToContainTextAsync("hand raised");
        await Expect(bob.GetByRole(AriaRole.Button, new() { Name = "Raise hand" })).ToHaveAttributeAsync("aria-pressed", "true");
        await GroupPage.SayAsync(bob, "/unraise");
        await Expect(UserEntry(ada, "bob")).Not.ToContainTextAsync("hand raised");
        await ada.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }

    [Fact]
    public async Task An_operator_changes_roles_and_the_member_sees_the_consequences()
    {
        var ada = await fixture.Browser.NewPageAsync();
        var bob = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("roles"), "ada", "secret");
        await GroupPage.LoginAsync(bob, fixture.GroupUrl("roles"), "bob", "builder");
        await Expect(UserEntry(bob, "bob")).ToContainTextAsync("presenter");

        await GroupPage.SayAsync(ada, "/unpresent bob");
        await Expect(UserEntry(bob, "bob")).ToContainTextAsync("observer");
        await Expect(bob.GetByRole(AriaRole.Button, new() { Name = "Camera" })).ToBeDisabledAsync();
        await Expect(bob.GetByText("You are not allowed to send audio or video")).ToBeVisibleAsync();

        await UserEntry(ada, "bob").GetByRole(AriaRole.Button).First.ClickAsync();
        await ada.GetByRole(AriaRole.Button, new() { Name = "Make operator" }).ClickAsync();
        await Expect(UserEntry(bob, "bob")).ToContainTextAsync("op");
        await Expect(bob.GetByText("Moderation")).ToBeVisibleAsync();
        await ada.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }

    [Fact]
    public async Task An_operator_clears_the_chat_for_everybody()
    {
        var ada = await fixture.Browser.NewPageAsync();
        var bob = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("clear"), "ada", "secret");
        await GroupPage.LoginAsync(bob, fixture.GroupUrl("clear"), "bob", "builder");
        await GroupPage.SayAsync(bob, "something regrettable");
        await Expect(GroupPage.Chat(ada)).ToContainTextAsync("something regrettable");

        await ada.GetByText("Moderation").ClickAsync();
        await ada.GetByRole(AriaRole.Button, new() { Name = "Clear chat" }).ClickAsync();

        await Expect(GroupPage.Chat(bob)).Not.ToContainTextAsync("something regrettable");
        await Expect(GroupPage.Chat(ada)).Not.ToContainTextAsync("something regrettable");
        await ada.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }

    [Fact]
    public async Task The_user_menu_works_from_the_keyboard()
    {
        var ada = await fixture.Browser.NewPageAsync();
        var bob = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("keyboard"), "ada", "secret");
        await GroupPage.LoginAsync(bob, fixture.GroupUrl("keyboard"), "bob", "builder");
        var bobButton = UserEntry(ada, "bob").GetByRole(AriaRole.Button).First;

        await bobButton.FocusAsync();
        await ada.Keyboard.PressAsync("Enter");
        var first = ada.GetByRole(AriaRole.Button, new() { Name = "Send private message" });
        await Expect(first).ToBeFocusedAsync();
        await Expect(bobButton).ToHaveAttributeAsync("aria-expanded", "true");
        await ada.Keyboard.PressAsync("Escape");
        await Expect(first).Not.ToBeVisibleAsync();
        await Expect(bobButton).ToBeFocusedAsync();

        await ada.Keyboard.PressAsync("Enter");
        await ada.Keyboard.PressAsync("Enter");
        await Expect(ada.GetByText("Private message to")).ToBeVisibleAsync();
        await Expect(GroupPage.MessageBox(ada)).ToBeFocusedAsync();
        await ada.Keyboard.TypeAsync("typed without a mouse");
        await ada.Keyboard.PressAsync("Enter");
        await Expect(GroupPage.Chat(bob)).ToContainTextAsync("typed without a mouse");
        await ada.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }

    [Fact]
    public async Task Every_form_control_on_the_group_page_has_a_label()
    {
        var ada = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("keyboard"), "ada", "secret");
        await GroupPage.SayAsync(ada, "/invite");

        var unlabelled = await ada.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll("input, select, textarea")]
                .filter(e => e.labels.length === 0 && !e.getAttribute("aria-label"))
                .map(e => e.id || e.outerHTML)
            """);
        Assert.Empty(unlabelled);
        await ada.Context.CloseAsync();
    }
}
