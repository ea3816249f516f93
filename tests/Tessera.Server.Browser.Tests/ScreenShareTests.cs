using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// Screen sharing through the real button (headless Chromium with --use-fake-ui-for-media-stream
/// and --use-fake-device-for-media-stream answers getDisplayMedia with a fake screen, no prompt).
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class ScreenShareTests(MediaFixture fixture)
{
    [Fact]
    public async Task The_share_screen_button_publishes_a_screenshare_stream_that_the_other_page_plays()
    {
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        var sent = GroupPage.RecordSentFrames(pages.Ada);
        await pages.JoinAsync(fixture.GroupUrl("screenshare"));

        await MediaPage.Button(pages.Ada, "Share screen").ClickAsync();

        await Expect(MediaPage.Button(pages.Ada, "Share screen")).ToHaveAttributeAsync("aria-pressed", "true");
        await pages.Ada.WaitForConditionAsync(() => GroupPage.Parsed(sent).Any(m =>
            m.GetProperty("type").GetString() == "offer" && m.GetProperty("label").GetString() == "screenshare"));
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada (screen)");
        await Expect(MediaPage.RemoteTiles(pages.Bob)).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task With_the_screen_share_only_preset_the_screen_is_received_and_the_camera_is_not()
    {
        await using var pages = await TwoPages.JoinedAsync(fixture.Browser, fixture.GroupUrl("screenshare"));
        await MediaPage.ReceiveAsync(pages.Bob, "screenshare-only");
        await MediaPage.Button(pages.Ada, "Camera").ClickAsync();
        await MediaPage.Button(pages.Ada, "Share screen").ClickAsync();

        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada (screen)");
        // A camera without microphone has nothing that preset takes ("" → audio only).
        await pages.Bob.WaitForTimeoutAsync(1500); // well past the server's 200 ms push delay
        await Expect(MediaPage.RemoteTile(pages.Bob, "ada")).ToHaveCountAsync(0);

        // The camera was there to be had: asking for everything brings it in.
        await MediaPage.ReceiveAsync(pages.Bob, "everything");
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada");
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada (screen)");
    }
}
