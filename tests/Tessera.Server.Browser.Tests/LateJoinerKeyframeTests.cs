using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// Someone joining a running camera stream needs a keyframe; Chromium sends one only when asked,
/// so the server must ask the publisher (PLI or FIR, protocol.md §12.11) when it adds a receiver.
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class LateJoinerKeyframeTests(MediaFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_late_joiner_gets_playing_video_because_the_server_asks_the_publisher_for_a_keyframe()
    {
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        await PeerConnections.RecordAsync(pages.Ada);
        await pages.JoinAsync(fixture.GroupUrl("latejoiner"));
        await MediaPage.Button(pages.Ada, "Camera").ClickAsync();
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada");
        // The publisher has been sending for a while; the count of keyframe requests so far is
        // whatever bob's arrival caused.
        await pages.Ada.WaitForTimeoutAsync(2000);
        var before = await KeyframeRequestsAsync(pages.Ada);

        var carol = await fixture.Browser.NewPageAsync();
        try
        {
            await GroupPage.LoginAsync(carol, fixture.GroupUrl("latejoiner"), "carol", "guest");
            await MediaPage.ExpectPlayingVideoAsync(carol, "ada");

            var after = await pages.Ada.SampleUntilAsync(() => KeyframeRequestsAsync(pages.Ada), n => n > before, 5000);
            output.WriteLine($"keyframe requests to the publisher: {before} before carol, {after} after");
            Assert.True(after > before, $"the publisher got {after} keyframe requests, as many as before carol joined");
        }
        finally
        {
            await carol.Context.CloseAsync();
        }
    }

    /// <summary>PLIs and FIRs the publisher received over all its outgoing video layers.</summary>
    static async Task<long> KeyframeRequestsAsync(IPage publisher) =>
        (await PeerConnections.OutboundAsync(publisher, "video")).Sum(s => s.PliCount + s.FirCount);
}
