using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>Its own server: the last step stops it with SIGTERM.</summary>
public sealed class RecordingFixture : ConferenceFixture
{
    public const string Group = "recorded";

    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        [Group] = """
            {"allow-recording":true,
             "users":{"ada":{"password":"secret","permissions":"op"},
                      "bob":{"password":"builder","permissions":"present"}}}
            """,
    };
}

/// <summary>
/// Run alone, after the collections that run side by side: the test expects the camera's
/// full-size layer from the start, and a Chromium short of CPU drops that layer by itself
/// (seen once with two collections at a time at load 80–100).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RecordingCollection : ICollectionFixture<RecordingFixture>
{
    public const string Name = "recording";
}

/// <summary>
/// Recording a real browser's camera and microphone through the real server, judged by Debian's
/// ffprobe and ffmpeg. One session records twice (the second time ended by SIGTERM), because a
/// recording needs seconds of real media.
/// </summary>
[Collection(RecordingCollection.Name)]
public sealed class RecordingTests(RecordingFixture fixture)
{
    static readonly TimeSpan RecordingLength = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_recorded_camera_is_a_playable_webm_across_a_renegotiation_and_a_layer_switch_and_SIGTERM_finishes_the_file()
    {
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        var (ada, bob) = (pages.Ada, pages.Bob);
        await PeerConnections.RecordAsync(ada);
        await PeerConnections.RecordAsync(bob);
        var adaSent = GroupPage.RecordSentFrames(ada);
        await pages.JoinAsync(fixture.GroupUrl(RecordingFixture.Group));

        // Camera and microphone: one stream holding VP8 (two simulcast encodings) and Opus.
        await MediaPage.Button(ada, "Camera").ClickAsync();
        await MediaPage.Button(ada, "Microphone").ClickAsync();
        await Eventually.True(async () => (await PeerConnections.InboundAsync(bob, "audio")).Any(s => s.PacketsReceived > 0),
                              "bob receiving ada's microphone");
        await MediaPage.ExpectPlayingVideoAsync(bob, "ada");

        // ada records; everyone is told.
        await GroupPage.SayAsync(ada, "/record");
        await Expect(ada.Locator("#recording-state")).ToBeVisibleAsync();
        var clock = Stopwatch.StartNew();
        await Expect(bob.Locator("#recording-state")).ToBeVisibleAsync();
        await Expect(GroupPage.Chat(bob)).ToContainTextAsync("This group is being recorded");
        await Expect(GroupPage.Users(bob)).ToContainTextAsync("RECORDING");
        var file = await Eventually.Value(() => RecordingFiles.In(fixture.Server, RecordingFixture.Group),
                                          files => files.Count == 1, "the recording file")
            .ContinueWith(t => t.Result.Single());
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-ada\.webm$"), Path.GetFileName(file));

        // The publisher renegotiates (an ICE restart on the same stream, as after a network change).
        var streamId = Parsed(adaSent).Last(m => m.GetProperty("type").GetString() == "offer").GetProperty("id").GetString()!;
        int answers = await AnswersAsync(ada, streamId);
        await ada.EvaluateAsync("""
            (id) => window.__testSockets.findLast((s) => s.readyState === WebSocket.OPEN)
                .dispatchEvent(new MessageEvent("message", { data: JSON.stringify({ type: "renegotiate", id }) }))
            """, streamId);
        await Eventually.True(async () => await AnswersAsync(ada, streamId) > answers, "the answer to ada's renegotiation");

        // Then the full-quality encoding stops: the recording goes on with the half-size one.
        await Task.Delay(TimeSpan.FromSeconds(3)); // a few seconds of full-quality video first
        Assert.True(await ada.EvaluateAsync<bool>(SetFullQuality, false), "ada's camera sender has a full-quality encoding");

        await Task.Delay(RecordingLength - clock.Elapsed); // the recording's length is the point here
        var stopAsked = clock.Elapsed; // the file ends between this and the page seeing it stopped
        await GroupPage.SayAsync(ada, "/unrecord");
        await Expect(ada.Locator("#recording-state")).ToBeHiddenAsync();
        var stopSeen = clock.Elapsed;
        await Expect(bob.Locator("#recording-state")).ToBeHiddenAsync();
        await Expect(GroupPage.Chat(bob)).ToContainTextAsync("Recording stopped");
        await Eventually.True(() => RecordingFiles.IsFinished(file), "the first file finished");

        var probe = await MediaProbe.ProbeAsync(file);
        Assert.Equal("", probe.Errors);
        Assert.Equal(["audio opus", "video vp8"], probe.Streams.Select(s => $"{s.CodecType} {s.CodecName}").Order());
        Assert.NotNull(probe.Duration);
        Assert.InRange(probe.Duration!.Value, stopAsked.TotalSeconds * 0.9, stopSeen.TotalSeconds * 1.1);
        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(file));
        var widths = await MediaProbe.FrameWidthsAsync(file);
        Assert.True(widths[0] == widths.Max() && widths[^1] == widths.Max() / 2,
                    $"full-size frames, then half-size ones: {string.Join(",", widths.Distinct())}");

        // Recording again, ended by the server's SIGTERM: the file is finished, not cut short.
        await GroupPage.SayAsync(ada, "/record");
        await Expect(ada.Locator("#recording-state")).ToBeVisibleAsync();
        var second = await Eventually.Value(() => RecordingFiles.In(fixture.Server, RecordingFixture.Group),
                                            files => files.Count == 2, "the second recording file")
            .ContinueWith(t => t.Result[1]);
        await Task.Delay(TimeSpan.FromSeconds(2)); // some media in it
        Assert.Equal(0, await fixture.Server.TerminateAsync());
        Assert.True(RecordingFiles.IsFinished(second), "SIGTERM left the second file unfinished");
        var afterTerm = await MediaProbe.ProbeAsync(second);
        Assert.Equal("", afterTerm.Errors);
        Assert.True(afterTerm.Duration >= 1.5, $"duration {afterTerm.Duration}");
        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(second));
    }

    /// <summary>Switches the camera's full-quality simulcast encoding (RID h) on or off.</summary>
    const string SetFullQuality = """
        async (active) => {
            for (const pc of window.__testPcs) {
                if (pc.signalingState === "closed") continue;
                for (const sender of pc.getSenders()) {
                    if (sender.track?.kind !== "video") continue;
                    const parameters = sender.getParameters();
                    const full = parameters.encodings?.find((e) => e.rid === "h");
                    if (!full) continue;
                    full.active = active;
                    await sender.setParameters(parameters);
                    return true;
                }
            }
            return false;
        }
        """;

    static async Task<int> AnswersAsync(IPage page, string id) =>
        (await PageSocket.ReceivedAsync(page)).Count(m => (string?)m["type"] == "answer" && (string?)m["id"] == id);

    static List<JsonElement> Parsed(List<string> frames)
    {
        lock (frames)
            return GroupPage.Parsed(frames);
    }
}
