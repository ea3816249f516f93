using System.Diagnostics;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>A group whose only video codec is AV1, so Chromium's camera is sent (and recorded) as AV1.</summary>
public sealed class Av1RecordingFixture : ConferenceFixture
{
    public const string Group = "recorded-av1";

    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        [Group] = """
            {"allow-recording":true, "codecs":["av1","opus"],
             "users":{"ada":{"password":"secret","permissions":"op"},
                      "bob":{"password":"builder","permissions":"present"}}}
            """,
    };
}

/// <summary>Chromium's AV1 camera through the real server: forwarded to another page, recorded, judged by ffprobe and ffmpeg.</summary>
public sealed class Av1RecordingTests(Av1RecordingFixture fixture) : IClassFixture<Av1RecordingFixture>
{
    static readonly TimeSpan RecordingLength = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_recorded_av1_camera_is_a_webm_ffmpeg_decodes_without_an_error()
    {
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        var (ada, bob) = (pages.Ada, pages.Bob);
        await PeerConnections.RecordAsync(ada);
        await pages.JoinAsync(fixture.GroupUrl(Av1RecordingFixture.Group));

        await MediaPage.Button(ada, "Camera").ClickAsync();
        await MediaPage.ExpectPlayingVideoAsync(bob, "ada");
        Assert.Equal("video/AV1", await ada.EvaluateAsync<string>(SentVideoCodec));

        await GroupPage.SayAsync(ada, "/record");
        await Expect(ada.Locator("#recording-state")).ToBeVisibleAsync();
        var clock = Stopwatch.StartNew();
        var file = await Eventually.Value(() => RecordingFiles.In(fixture.Server, Av1RecordingFixture.Group),
                                          files => files.Count == 1, "the recording file")
            .ContinueWith(t => t.Result.Single());
        await Task.Delay(RecordingLength - clock.Elapsed); // the recording's length is the point here
        await GroupPage.SayAsync(ada, "/unrecord");
        await Expect(ada.Locator("#recording-state")).ToBeHiddenAsync();
        var recorded = clock.Elapsed;
        await Eventually.True(() => RecordingFiles.IsFinished(file), "the file finished");

        var probe = await MediaProbe.ProbeAsync(file);
        Assert.Equal("", probe.Errors);
        var stream = Assert.Single(probe.Streams);
        Assert.Equal(("video", "av1"), (stream.CodecType, stream.CodecName));
        Assert.True(stream.Width > 0 && stream.Height > 0, $"{stream.Width}x{stream.Height}");
        Assert.NotNull(probe.Duration);
        Assert.InRange(probe.Duration!.Value, recorded.TotalSeconds * 0.9, recorded.TotalSeconds * 1.1);
        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(file));
        Assert.True((await MediaProbe.FrameWidthsAsync(file)).Count >= recorded.TotalSeconds * 5, "pictures decoded");
    }

    /// <summary>The MIME type of the codec the page's camera is being sent with.</summary>
    const string SentVideoCodec = """
        async () => {
            for (const pc of window.__testPcs) {
                if (pc.signalingState === "closed") continue;
                const stats = await pc.getStats();
                for (const s of stats.values()) {
                    if (s.type === "outbound-rtp" && s.kind === "video" && s.codecId)
                        return stats.get(s.codecId)?.mimeType ?? "";
                }
            }
            return "";
        }
        """;
}
