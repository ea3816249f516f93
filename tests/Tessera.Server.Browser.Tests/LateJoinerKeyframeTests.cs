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
        // Bob receives nothing, so until carol comes nobody receives the camera and the publisher
        // gets no keyframe request from the server: whatever it gets after carol came is her doing.
        await MediaPage.ReceiveAsync(pages.Bob, "nothing");
        await PageSocket.RoundTripAsync(pages.Bob); // bob's request is in force
        await MediaPage.Button(pages.Ada, "Camera").ClickAsync();
        // The publisher is sending; its first keyframe will be long gone when carol is ready to decode.
        await Eventually.True(async () => (await PeerConnections.OutboundAsync(pages.Ada, "video")).Sum(s => s.PacketsSent) > 0,
                              "ada's camera sending");
        var before = await KeyframeRequestsAsync(pages.Ada);

        var carol = await fixture.Browser.NewPageAsync();
        try
        {
            await GroupPage.LoginAsync(carol, fixture.GroupUrl("latejoiner"), "carol", "guest");
            await MediaPage.ExpectPlayingVideoAsync(carol, "ada");

            var after = await Eventually.Value(() => KeyframeRequestsAsync(pages.Ada), n => n > before,
                                               $"a keyframe request to the publisher after carol joined (before her: {before})");
            output.WriteLine($"keyframe requests to the publisher: {before} before carol, {after} after");
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
