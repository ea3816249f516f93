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
        await Eventually.True(() => GroupPage.Parsed(sent).Any(m =>
            m.GetProperty("type").GetString() == "offer" && m.GetProperty("label").GetString() == "screenshare"), "ada's screenshare offer");
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada (screen)");
        await Expect(MediaPage.RemoteTiles(pages.Bob)).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task With_the_screen_share_only_preset_the_screen_is_received_and_the_camera_is_not()
    {
        await using var pages = await TwoPages.JoinedAsync(fixture.Browser, fixture.GroupUrl("screenshare"));
        await MediaPage.ReceiveAsync(pages.Bob, "screenshare-only");
        await PageSocket.RoundTripAsync(pages.Bob); // bob's request is in force
        await using var witness = await PushWitness.JoinAsync(fixture.Server.BaseUrl, "screenshare");
        await MediaPage.Button(pages.Ada, "Camera").ClickAsync();
        await MediaPage.Button(pages.Ada, "Share screen").ClickAsync();

        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada (screen)");
        // A camera without microphone has nothing that preset takes ("" → audio only).
        var pushed = await witness.ReceivedByTheEndOfThePushAsync("ada", "camera", pages.Bob, "bob");
        Assert.DoesNotContain(pushed, m => (string?)m["type"] == "offer" && (string?)m["label"] == "camera");
        await Expect(MediaPage.RemoteTile(pages.Bob, "ada")).ToHaveCountAsync(0);

        // The camera was there to be had: asking for everything brings it in.
        await MediaPage.ReceiveAsync(pages.Bob, "everything");
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada");
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada (screen)");
    }
}
