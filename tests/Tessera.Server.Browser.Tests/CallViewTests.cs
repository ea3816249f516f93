using System.Text.Json;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

public sealed class CallViewFixture : ConferenceFixture
{
    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["laptop"] = GroupFiles.Ordinary,
        ["phone"] = GroupFiles.Ordinary,
        ["toggles"] = GroupFiles.Ordinary,
        ["unread"] = GroupFiles.Ordinary,
        ["tiles"] = GroupFiles.Ordinary,
        ["settings"] = GroupFiles.Ordinary,
        ["audit"] = GroupFiles.Ordinary,
        ["keys"] = GroupFiles.Ordinary,
    };
}

/// <summary>
/// The call view as people see it: how much of the window the video gets on a laptop and on a
/// phone, the panels, and the controls' states. One server and browser for the class.
/// </summary>
public sealed class CallViewTests(CallViewFixture fixture) : IClassFixture<CallViewFixture>
{
    static readonly ViewportSize Laptop = new() { Width = 1280, Height = 800 };
    static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>ada and bob in the group, both with cameras on, at the given window sizes.</summary>
    async Task<(IPage Ada, IPage Bob)> TwoCamerasAsync(string group, ViewportSize bobViewport)
    {
        var ada = await fixture.Browser.NewPageAsync(Laptop, reducedMotion: true);
        var bob = await fixture.Browser.NewPageAsync(bobViewport, reducedMotion: true);
        await GroupPage.LoginAsync(ada, fixture.GroupUrl(group), "ada", "secret");
        await GroupPage.SubmitLoginAsync(bob, fixture.GroupUrl(group), "bob", "builder");
        await Expect(MediaPage.Button(bob, "Camera")).ToBeEnabledAsync();
        await MediaPage.Button(ada, "Camera").ClickAsync();
        await MediaPage.Button(bob, "Camera").ClickAsync();
        await MediaPage.ExpectPlayingVideoAsync(ada, "bob");
        await MediaPage.ExpectPlayingVideoAsync(bob, "ada");
        await CallView.ExpectOwnVideoAsync(ada);
        await CallView.ExpectOwnVideoAsync(bob);
        return (ada, bob);
    }

    [Fact]
    public async Task On_a_laptop_the_remote_video_takes_a_large_part_of_the_window_and_more_with_the_panels_hidden()
    {
        var (ada, bob) = await TwoCamerasAsync("laptop", Laptop);
        try
        {
            await GroupPage.SayAsync(bob, "hello from bob");
            await Expect(GroupPage.Chat(ada)).ToContainTextAsync("bob: hello from bob");

            await CallView.CheckLayoutAsync(ada, "laptop-panels-open");
            var withPanels = await CallView.LargestRemoteShareAsync(ada);
            Assert.True(withPanels >= 0.15, $"largest remote tile covers {withPanels:P1} of the window with the panels open");

            // axe-core finds nothing serious in the call view, with the settings, a user's menu
            // and the shortcuts dialog open too.
            await MediaPage.Button(ada, "Settings").ClickAsync();
            await MediaPage.Button(ada, "Microphone").ClickAsync();
            await GroupPage.Users(ada).GetByRole(AriaRole.Button, new() { Name = "bob" }).ClickAsync();
            Assert.Empty(await Axe.SeriousViolationsAsync(ada));
            await MediaPage.Button(ada, "Shortcuts").ClickAsync();
            var shortcuts = ada.GetByRole(AriaRole.Dialog, new() { Name = "Keyboard shortcuts" });
            await Expect(shortcuts).ToBeVisibleAsync();
            Assert.Empty(await Axe.SeriousViolationsAsync(ada));
            await shortcuts.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
            await MediaPage.Button(ada, "Settings").ClickAsync();

            await MediaPage.Button(ada, "Users").ClickAsync();
            await MediaPage.Button(ada, "Chat").ClickAsync();
            await Expect(GroupPage.Users(ada)).ToBeHiddenAsync();
            await Expect(GroupPage.MessageBox(ada)).ToBeHiddenAsync();
            await CallView.CheckLayoutAsync(ada, "laptop-panels-hidden");
            var withoutPanels = await CallView.LargestRemoteShareAsync(ada);
            Assert.True(withoutPanels >= 0.30, $"largest remote tile covers {withoutPanels:P1} of the window with the panels hidden");

            // A shared screen takes the focus; the cameras go to a strip beside it.
            await MediaPage.Button(bob, "Share screen").ClickAsync();
            await MediaPage.ExpectPlayingVideoAsync(ada, "bob (screen)");
            await Expect(MediaPage.RemoteTile(ada, "bob (screen)")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("tile-focused"));
            await CallView.CheckLayoutAsync(ada, "laptop-screen-share");
        }
        finally
        {
            await ada.Context.CloseAsync();
            await bob.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task On_a_phone_the_remote_video_is_as_wide_as_the_screen_and_the_chat_input_is_within_reach()
    {
        var (ada, bob) = await TwoCamerasAsync("phone", Phone);
        try
        {
            await CallView.CheckLayoutAsync(bob, "phone-video");
            var width = await CallView.WidestRemoteShareAsync(bob);
            Assert.True(width >= 0.90, $"the remote tile is {width:P1} of the phone's width");

            // The message box is on screen even with the chat hidden; the messages are one tap away.
            var input = GroupPage.MessageBox(bob);
            await Expect(input).ToBeInViewportAsync(new() { Ratio = 1 });
            await Expect(GroupPage.Chat(bob)).ToBeHiddenAsync();
            await MediaPage.Button(bob, "Chat").ClickAsync();
            await Expect(GroupPage.Chat(bob)).ToBeVisibleAsync();
            await Expect(input).ToBeFocusedAsync();
            await Expect(input).ToBeInViewportAsync(new() { Ratio = 1 });
            await GroupPage.SayAsync(bob, "typed on a phone");
            await Expect(GroupPage.Chat(ada)).ToContainTextAsync("bob: typed on a phone");
            await CallView.CheckLayoutAsync(bob, "phone-chat");
            width = await CallView.WidestRemoteShareAsync(bob);
            Assert.True(width >= 0.90, $"with the chat open the remote tile is {width:P1} of the phone's width");
            await Expect(MediaPage.Button(bob, "Leave")).ToBeInViewportAsync(new() { Ratio = 1 });

            // axe-core finds nothing serious on the phone either, with the second row of controls open.
            await MediaPage.Button(bob, "More").ClickAsync();
            await Expect(MediaPage.Button(bob, "Share screen")).ToBeVisibleAsync();
            Assert.Empty(await Axe.SeriousViolationsAsync(bob));
        }
        finally
        {
            await ada.Context.CloseAsync();
            await bob.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Every_toggle_shows_its_state_in_aria_pressed_and_in_words()
    {
        var page = await fixture.Browser.NewPageAsync();
        try
        {
            await GroupPage.LoginAsync(page, fixture.GroupUrl("toggles"), "ada", "secret");

            // The stage's grid, as the page computes it: two tiles side by side on a wide stage,
            // stacked on a tall one; many tiles keep a usable size and the stage scrolls.
            var grids = await page.EvaluateAsync<JsonElement>("""
                async () => {
                    const { bestGrid } = await import("/js/stagelayout.js");
                    return { wide: bestGrid(1200, 500, 2, 4 / 3), tall: bestGrid(400, 800, 2, 4 / 3), many: bestGrid(700, 400, 40, 16 / 9) };
                }
                """);
            Assert.Equal(2, grids.GetProperty("wide").GetProperty("cols").GetInt32());
            Assert.Equal(1, grids.GetProperty("tall").GetProperty("cols").GetInt32());
            var many = grids.GetProperty("many");
            Assert.True(many.GetProperty("width").GetDouble() >= 160);
            Assert.True(many.GetProperty("rows").GetInt32() * many.GetProperty("height").GetDouble() > 400);

            foreach (var name in new[] { "Camera", "Microphone", "Mute", "Share screen", "Raise hand" })
            {
                var button = MediaPage.Button(page, name);
                await ExpectState(button, pressed: false);
                await button.ClickAsync();
                await ExpectState(button, pressed: true);
            }
            // The state reached the media: the microphone is muted, the camera is shown.
            Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('figure.tile-self video').srcObject.getAudioTracks()[0].enabled === false"));
            foreach (var name in new[] { "Mute", "Share screen", "Raise hand", "Microphone", "Camera" })
            {
                await MediaPage.Button(page, name).ClickAsync();
                await ExpectState(MediaPage.Button(page, name), pressed: false);
            }
            await Expect(page.Locator("figure.tile-local")).ToHaveCountAsync(0);

            foreach (var (name, region) in new[] { ("Users", GroupPage.Users(page)), ("Chat", GroupPage.MessageBox(page)) })
            {
                var button = MediaPage.Button(page, name);
                await Expect(button).ToHaveAttributeAsync("aria-pressed", "true");
                await button.ClickAsync();
                await Expect(button).ToHaveAttributeAsync("aria-pressed", "false");
                await Expect(region).ToBeHiddenAsync();
                await button.ClickAsync();
                await Expect(button).ToHaveAttributeAsync("aria-pressed", "true");
                await Expect(region).ToBeVisibleAsync();
            }

            // Full screen enters and leaves, and the button says which.
            var fullScreen = MediaPage.Button(page, "Full screen");
            await fullScreen.ClickAsync();
            await Expect(fullScreen).ToHaveAttributeAsync("aria-pressed", "true");
            Assert.Equal("conference", await page.EvaluateAsync<string?>("() => document.fullscreenElement?.id"));
            await fullScreen.ClickAsync();
            await Expect(fullScreen).ToHaveAttributeAsync("aria-pressed", "false");
            Assert.Null(await page.EvaluateAsync<string?>("() => document.fullscreenElement?.id"));
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        static async Task ExpectState(ILocator button, bool pressed)
        {
            await Expect(button).ToHaveAttributeAsync("aria-pressed", pressed ? "true" : "false");
            await Expect(button.Locator(".control-state")).ToHaveTextAsync(pressed ? "on" : "off");
        }
    }

    [Fact]
    public async Task Hidden_chat_counts_unread_messages_and_the_panels_stay_as_left_after_a_reload()
    {
        var ada = await fixture.Browser.NewPageAsync();
        var bob = await fixture.Browser.NewPageAsync();
        try
        {
            await GroupPage.LoginAsync(ada, fixture.GroupUrl("unread"), "ada", "secret");
            await GroupPage.LoginAsync(bob, fixture.GroupUrl("unread"), "bob", "builder");
            await MediaPage.Button(ada, "Chat").ClickAsync();

            await GroupPage.SayAsync(bob, "one");
            await GroupPage.SayAsync(bob, "two");
            await Expect(MediaPage.Button(ada, "Chat 2 unread messages")).ToBeVisibleAsync();
            // Said once in a polite live region (not a second status: notices are the page's status).
            await Expect(ada.Locator("#chat-unread-status[aria-live=polite]")).ToHaveTextAsync("2 unread messages");

            await MediaPage.Button(ada, "Chat 2 unread messages").ClickAsync();
            await Expect(GroupPage.Chat(ada)).ToContainTextAsync("bob: two");
            await Expect(MediaPage.Button(ada, "Chat")).ToHaveAttributeAsync("aria-pressed", "true");

            // Hidden panels are remembered by this browser.
            await MediaPage.Button(ada, "Users").ClickAsync();
            await MediaPage.Button(ada, "Chat").ClickAsync();
            await GroupPage.SubmitLoginAsync(ada, fixture.GroupUrl("unread"), "ada", "secret");
            await Expect(MediaPage.Button(ada, "Chat")).ToHaveAttributeAsync("aria-pressed", "false");
            await Expect(MediaPage.Button(ada, "Users")).ToHaveAttributeAsync("aria-pressed", "false");
            await Expect(GroupPage.MessageBox(ada)).ToBeHiddenAsync();
        }
        finally
        {
            await ada.Context.CloseAsync();
            await bob.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_remote_tile_can_be_muted_turned_down_pinned_and_shows_its_connection_quality()
    {
        var (ada, bob) = await TwoCamerasAsync("tiles", Laptop);
        try
        {
            var tile = MediaPage.RemoteTile(ada, "bob");
            var video = tile.Locator("video");
            var quality = tile.Locator(".tile-quality[role=img]");
            await Expect(quality).ToHaveAttributeAsync("aria-label",
                new System.Text.RegularExpressions.Regex(@"^Connection (good|fair|poor): [0-9.]+ Mbit/s, \d+×\d+, [0-9.]+ % lost$"), new() { Timeout = 15_000 });
            await Expect(quality).ToBeVisibleAsync();

            var mute = ada.GetByRole(AriaRole.Button, new() { Name = "Listen muted to bob", Exact = true });
            await mute.ClickAsync();
            await Expect(mute).ToHaveAttributeAsync("aria-pressed", "true");
            Assert.True(await video.EvaluateAsync<bool>("v => v.muted"));
            await mute.ClickAsync();
            Assert.False(await video.EvaluateAsync<bool>("v => v.muted"));

            await ada.GetByRole(AriaRole.Slider, new() { Name = "Volume of bob", Exact = true }).FillAsync("30");
            Assert.Equal(0.3, await video.EvaluateAsync<double>("v => v.volume"), 3);

            // Pinned, bob's tile takes the focus and ada's own camera goes to the strip.
            var pin = ada.GetByRole(AriaRole.Button, new() { Name = "Pin bob", Exact = true });
            await pin.ClickAsync();
            await Expect(pin).ToHaveAttributeAsync("aria-pressed", "true");
            await Expect(tile).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("tile-focused"));
            await Expect(ada.Locator("figure.tile-self")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("tile-floating"));
            await pin.ClickAsync();
            await Expect(pin).ToHaveAttributeAsync("aria-pressed", "false");

            // A single tile goes full screen and comes back.
            var fullScreen = ada.GetByRole(AriaRole.Button, new() { Name = "Full screen: bob", Exact = true });
            await fullScreen.ClickAsync();
            await Expect(fullScreen).ToHaveAttributeAsync("aria-pressed", "true");
            Assert.True(await tile.EvaluateAsync<bool>("f => document.fullscreenElement === f"));
            await fullScreen.ClickAsync();
            await Expect(fullScreen).ToHaveAttributeAsync("aria-pressed", "false");
        }
        finally
        {
            await ada.Context.CloseAsync();
            await bob.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_microphone_meter_moves_and_chosen_devices_are_remembered()
    {
        var page = await fixture.Browser.NewPageAsync();
        try
        {
            await GroupPage.LoginAsync(page, fixture.GroupUrl("settings"), "ada", "secret");
            await MediaPage.Button(page, "Microphone").ClickAsync();
            await MediaPage.Button(page, "Settings").ClickAsync();
            await Expect(MediaPage.Button(page, "Settings")).ToHaveAttributeAsync("aria-expanded", "true");
            await page.WaitForFunctionAsync("() => document.getElementById('microphone-level').value > 0.01", null, new() { Timeout = 15_000 });

            // Pick the last microphone the browser lists (not the default) and come back later.
            var select = page.GetByLabel("Microphone device", new() { Exact = true });
            await page.WaitForFunctionAsync("() => document.getElementById('microphone-device').options.length > 2");
            var chosen = await select.EvaluateAsync<string>("s => s.options[s.options.length - 1].value");
            await select.SelectOptionAsync(chosen);
            await page.WaitForFunctionAsync("id => document.querySelector('figure.tile-self video').srcObject.getAudioTracks()[0].getSettings().deviceId === id", chosen);

            await GroupPage.LoginAsync(page, fixture.GroupUrl("settings"), "ada", "secret");
            await MediaPage.Button(page, "Microphone").ClickAsync();
            await page.WaitForFunctionAsync("id => document.querySelector('figure.tile-self video')?.srcObject.getAudioTracks()[0].getSettings().deviceId === id", chosen);
            await MediaPage.Button(page, "Settings").ClickAsync();
            await Expect(select).ToHaveValueAsync(chosen);
            // Escape closes the settings and gives the focus back to their button.
            await select.PressAsync("Escape");
            await Expect(MediaPage.Button(page, "Settings")).ToBeFocusedAsync();
            await Expect(select).ToBeHiddenAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_automated_accessibility_audit_finds_no_serious_violations_on_the_login_page()
    {
        var login = await fixture.Browser.NewPageAsync();
        try
        {
            await login.GotoAsync(fixture.GroupUrl("audit"));
            await Expect(login.GetByLabel("Username", new() { Exact = true })).ToBeVisibleAsync();
            Assert.Empty(await Axe.SeriousViolationsAsync(login));
        }
        finally
        {
            await login.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Keyboard_shortcuts_work_are_listed_and_can_be_changed_or_switched_off()
    {
        var page = await fixture.Browser.NewPageAsync();
        try
        {
            await GroupPage.LoginAsync(page, fixture.GroupUrl("keys"), "ada", "secret");
            // Whether the page acted on the last key: it prevents the default of keys it uses.
            await page.EvaluateAsync("() => window.addEventListener('keydown', (e) => { window.lastKeyUsed = e.defaultPrevented; })");
            var camera = MediaPage.Button(page, "Camera");

            await page.Keyboard.PressAsync("Alt+Shift+C");
            await Expect(camera).ToHaveAttributeAsync("aria-pressed", "true");
            await page.Keyboard.PressAsync("Alt+Shift+T");
            await Expect(GroupPage.MessageBox(page)).ToBeFocusedAsync();

            await page.Keyboard.PressAsync("Alt+Shift+K");
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Keyboard shortcuts" });
            await Expect(dialog).ToBeVisibleAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Change shortcut: Camera on or off" }).ClickAsync();
            await page.Keyboard.PressAsync("Control+Alt+V");
            await Expect(dialog.GetByRole(AriaRole.Row, new() { Name = "Camera on or off" })).ToContainTextAsync("Ctrl+Alt+V");
            await Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("is now Ctrl+Alt+V");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();

            await page.Keyboard.PressAsync("Alt+Shift+C");
            Assert.False(await page.EvaluateAsync<bool>("() => window.lastKeyUsed"));
            await page.Keyboard.PressAsync("Control+Alt+V");
            Assert.True(await page.EvaluateAsync<bool>("() => window.lastKeyUsed"));
            await Expect(camera).ToHaveAttributeAsync("aria-pressed", "false");

            // Switched off altogether, the keys are left to the browser and the screen reader.
            await MediaPage.Button(page, "Shortcuts").ClickAsync();
            await dialog.GetByLabel("Use keyboard shortcuts").UncheckAsync();
            await page.Keyboard.PressAsync("Escape");
            await Expect(dialog).ToBeHiddenAsync();
            await page.Keyboard.PressAsync("Control+Alt+V");
            Assert.False(await page.EvaluateAsync<bool>("() => window.lastKeyUsed"));
            Assert.Equal("false", await camera.GetAttributeAsync("aria-pressed"));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
