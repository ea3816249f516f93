using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>Two people who both switch camera and microphone on see and hear each other through the server.</summary>
[Collection(MediaCollection.Name)]
public sealed class TwoWayMediaTests(MediaFixture fixture)
{
    [Fact]
    public async Task Each_page_plays_the_others_video_and_receives_real_audio()
    {
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        await PeerConnections.RecordAsync(pages.Ada);
        await PeerConnections.RecordAsync(pages.Bob);
        await pages.JoinAsync(fixture.GroupUrl("twoway"));

        foreach (var page in new[] { pages.Ada, pages.Bob })
        {
            await MediaPage.Button(page, "Camera").ClickAsync();
            await MediaPage.Button(page, "Microphone").ClickAsync();
        }

        await ExpectToSeeAndHearAsync(pages.Ada, "bob");
        await ExpectToSeeAndHearAsync(pages.Bob, "ada");
    }

    /// <summary>
    /// The page has one tile for the other person, playing video, and the audio track of that
    /// tile is fed by an inbound RTP stream that keeps receiving packets carrying sound.
    /// </summary>
    static async Task ExpectToSeeAndHearAsync(IPage page, string other)
    {
        await Expect(MediaPage.RemoteTile(page, other)).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await MediaPage.ExpectPlayingVideoAsync(page, other);

        var audioTrack = await page.WaitForFunctionAsync("""
            (caption) => {
                const tile = [...document.querySelectorAll("figure.tile:not(.tile-local)")]
                    .find((f) => f.querySelector("figcaption").textContent === caption);
                const track = tile?.querySelector("video").srcObject?.getAudioTracks()[0];
                return track ? track.id : null;
            }
            """, other, new() { Timeout = 10_000 });
        var trackId = await audioTrack.JsonValueAsync<string>();

        // Packets keep arriving, and they decode to sound (the fake microphone beeps), not silence.
        var first = await AudioOfTrackAsync(page, trackId);
        await Eventually.Value(() => AudioOfTrackAsync(page, trackId),
            s => s.PacketsReceived > first.PacketsReceived && s.TotalAudioEnergy > 0, "more audio packets, decoding to sound");
    }

    static async Task<RtpStats> AudioOfTrackAsync(IPage page, string trackId)
    {
        var inbound = await PeerConnections.InboundAsync(page, "audio");
        return Assert.Single(inbound, s => s.TrackIdentifier == trackId);
    }
}
