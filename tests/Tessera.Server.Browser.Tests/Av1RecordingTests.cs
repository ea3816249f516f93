using System.Diagnostics;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// Groups whose only video codec is AV1 or H.264, so Chromium's camera is sent (and recorded) in
/// it; one server and browser for both.
/// </summary>
public sealed class Av1RecordingFixture : ConferenceFixture
{
    public const string Group = "recorded-av1";
    public const string H264Group = "recorded-h264";

    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        [Group] = """
            {"allow-recording":true, "codecs":["av1","opus"],
             "users":{"ada":{"password":"secret","permissions":"op"},
                      "bob":{"password":"builder","permissions":"present"}}}
            """,
        [H264Group] = """
            {"allow-recording":true, "codecs":["h264","opus"],
             "users":{"ada":{"password":"secret","permissions":"op"},
                      "bob":{"password":"builder","permissions":"present"}}}
            """,
    };
}

/// <summary>Chromium's AV1 and H.264 cameras through the real server: forwarded to another page, recorded, judged by ffprobe and ffmpeg.</summary>
public sealed class Av1RecordingTests(Av1RecordingFixture fixture) : IClassFixture<Av1RecordingFixture>
{
    [Fact]
    public Task A_recorded_av1_camera_is_a_webm_ffmpeg_decodes_without_an_error() =>
        RecordAndJudgeAsync(Av1RecordingFixture.Group, "video/AV1", ".webm", "av1", TimeSpan.FromSeconds(10));

    // Shorter than AV1's: the same checks, and the browser suite is near its time budget.
    [Fact]
    public Task A_recorded_h264_camera_is_a_matroska_file_ffmpeg_decodes_without_an_error() =>
        RecordAndJudgeAsync(Av1RecordingFixture.H264Group, "video/H264", ".mkv", "h264", TimeSpan.FromSeconds(6));

    /// <summary>
    /// Ada's camera, sent in <paramref name="mime"/>, is recorded for about <paramref name="length"/>
    /// into one file of <paramref name="extension"/> (and no other), which ffprobe reads as
    /// <paramref name="codecName"/> of the right duration and ffmpeg decodes without an error.
    /// </summary>
    private async Task RecordAndJudgeAsync(string group, string mime, string extension, string codecName, TimeSpan length)
    {
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        var (ada, bob) = (pages.Ada, pages.Bob);
        await PeerConnections.RecordAsync(ada);
        await pages.JoinAsync(fixture.GroupUrl(group));

        await MediaPage.Button(ada, "Camera").ClickAsync();
        await MediaPage.ExpectPlayingVideoAsync(bob, "ada");
        Assert.Equal(mime, await ada.EvaluateAsync<string>(SentVideoCodec));

        await GroupPage.SayAsync(ada, "/record");
        await Expect(ada.Locator("#recording-state")).ToBeVisibleAsync();
        var clock = Stopwatch.StartNew();
        var file = await Eventually.Value(() => RecordingFiles.In(fixture.Server, group, "*.*"),
                                          files => files.Count == 1, "the recording file")
            .ContinueWith(t => t.Result.Single());
        Assert.Equal(extension, Path.GetExtension(file));
        await Task.Delay(length - clock.Elapsed); // the recording's length is the point here
        // The file ends somewhere between asking to stop and the page seeing it stopped, which on a
        // loaded machine can be most of a second later.
        var stopAsked = clock.Elapsed;
        await GroupPage.SayAsync(ada, "/unrecord");
        await Expect(ada.Locator("#recording-state")).ToBeHiddenAsync();
        var stopSeen = clock.Elapsed;
        await Eventually.True(() => RecordingFiles.IsFinished(file), "the file finished");

        var probe = await MediaProbe.ProbeAsync(file);
        Assert.Equal("", probe.Errors);
        var stream = Assert.Single(probe.Streams);
        Assert.Equal(("video", codecName), (stream.CodecType, stream.CodecName));
        Assert.True(stream.Width > 0 && stream.Height > 0, $"{stream.Width}x{stream.Height}");
        Assert.NotNull(probe.Duration);
        Assert.InRange(probe.Duration!.Value, stopAsked.TotalSeconds * 0.9, stopSeen.TotalSeconds * 1.1);
        var decodeErrors = await MediaProbe.DecodeErrorsAsync(file);
        if (decodeErrors != "")
        {
            // Seen once in a full run and never when repeated: keep the whole message and the file.
            var kept = Path.Combine(Path.GetTempPath(), $"tessera-undecodable-{Guid.NewGuid():N}{extension}");
            File.Copy(file, kept);
            Assert.Fail($"ffmpeg could not decode {codecName} cleanly (file kept at {kept}): {decodeErrors}");
        }
        Assert.True((await MediaProbe.FrameWidthsAsync(file)).Count >= stopAsked.TotalSeconds * 5, "pictures decoded");
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
