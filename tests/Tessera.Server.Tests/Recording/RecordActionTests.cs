using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Protocol;
using Tessera.Server.Recording;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Recording;

/// <summary>
/// The <c>record</c> and <c>unrecord</c> group actions (protocol.md §7.1) through the real host: who
/// may, what members see, where the file goes and what it holds, and what happens when the disk
/// refuses.
/// </summary>
public sealed class RecordActionTests
{
    private const string Group = """
        {"allow-recording": true,
         "users": {"ada": {"password": "a", "permissions": "op"}, "bob": {"password": "b", "permissions": "present"}}}
        """;

    private static Task<TestServer> StartAsync(List<string>? log = null) =>
        TestServer.StartAsync(f => f.Group("lab", Group), logSink: log);

    private static Task DrainAsync(TestServer s) => s.Services.GetRequiredService<GroupRecordings>().DrainAsync();

    private static bool IsRecorder(System.Text.Json.Nodes.JsonObject m) => m.Str("username") == "RECORDING";

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Recording_a_camera_tells_every_member_and_unrecord_leaves_a_finished_webm_in_the_groups_folder()
    {
        await using var s = await StartAsync();
        await using var ada = await s.JoinAsync("lab", "ada", "a");
        await using var bob = await s.JoinAsync("lab", "bob", "b");
        var camera = await RecordingPublisher.PublishAsync(s, ada);
        camera.Send(RecordingPublisher.Clip.Take(1)); // the track is known before recording starts

        await ada.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "record"}"""));
        var added = await bob.ReceiveAsync("user", where: IsRecorder);
        Assert.Equal("add", added.Str("kind"));
        Assert.Equal("RECORDING", added.Str("username"));
        Assert.Equal(["system"], added["permissions"].Strings());
        await ada.ReceiveAsync("user", where: IsRecorder);
        camera.Send(RecordingPublisher.Clip, offset: 100);

        await ada.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "unrecord"}"""));
        var removed = await bob.ReceiveAsync("user", where: m => m.Str("kind") == "delete");
        Assert.Equal(added.Str("id"), removed.Str("id"));
        await DrainAsync(s);

        var folder = Path.Combine(s.Options.Recordings, "lab");
        var file = Assert.Single(Directory.GetFiles(folder));
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-ada\.webm$"), Path.GetFileName(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var probe = await MediaProbe.ProbeAsync(file);
        Assert.Equal("", probe.Errors);
        Assert.Equal(("video", "vp8", 160, 120), probe.Streams.Select(p => (p.CodecType, p.CodecName, p.Width, p.Height)).Single());
        Assert.InRange(probe.Duration!.Value, 2.9, 3.1);
        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(file));
    }

    [Fact]
    public async Task Only_a_member_with_record_may_start_or_stop_and_a_second_record_is_refused()
    {
        await using var s = await StartAsync();
        await using var ada = await s.JoinAsync("lab", "ada", "a");
        await using var bob = await s.JoinAsync("lab", "bob", "b");

        await bob.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "record"}"""));
        Assert.Equal("not authorised", (await bob.ReceiveAsync("usermessage")).Str("value"));
        await ada.AssertNothingBeforePongAsync("user", IsRecorder);

        await ada.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "record"}"""));
        await ada.ReceiveAsync("user", where: IsRecorder);
        await ada.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "record"}"""));
        Assert.Equal("already recording", (await ada.ReceiveAsync("usermessage")).Str("value"));

        await bob.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "unrecord"}"""));
        Assert.Equal("not authorised", (await bob.ReceiveAsync("usermessage", where: m => m.Str("kind") == "error")).Str("value"));
        await ada.AssertNothingBeforePongAsync("user", m => m.Str("kind") == "delete");

        // A late joiner learns of the recorder with the other members.
        await using var carol = await s.JoinAsync("lab", "ada", "a");
        var recorder = await carol.ReceiveAsync("user", where: IsRecorder);

        // An operator may kick the recorder: that stops the recording too.
        await ada.SendAsync(new System.Text.Json.Nodes.JsonObject { ["type"] = "useraction", ["kind"] = "kick", ["dest"] = recorder.Str("id") });
        await bob.ReceiveAsync("user", where: m => IsRecorder(m) && m.Str("kind") == "delete");
        await ada.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "record"}"""));
        await bob.ReceiveAsync("user", where: m => IsRecorder(m) && m.Str("kind") == "add");
    }

    [Fact]
    public async Task A_stream_in_a_codec_that_cannot_be_recorded_is_named_to_the_operators()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("lab", Group.Replace("\"allow-recording\": true,", "\"allow-recording\": true, \"codecs\": [\"pcmu\"],")));
        await using var ada = await s.JoinAsync("lab", "ada", "a");
        await using var bob = await s.JoinAsync("lab", "bob", "b");
        var camera = await RecordingPublisher.PublishAsync(s, bob, codec: "PCMU");
        camera.SendRaw([0xFF, 0xFF, 0xFF]); // a packet of silence: the track is known

        await ada.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "record"}"""));
        var warning = await ada.ReceiveAsync("usermessage", where: m => m.Str("kind") == "warning");
        Assert.Equal("Stream camera of bob is not recorded: PCMU cannot be recorded (VP8, VP9, AV1, H.264 and Opus can)", warning.Str("value"));
        await s.Services.GetRequiredService<GroupRecordings>().DrainAsync();
        Assert.Empty(Directory.GetFiles(Path.Combine(s.Options.Recordings, "lab")));
    }

    [Fact]
    public async Task When_the_last_person_leaves_the_recording_stops()
    {
        await using var s = await StartAsync();
        var ada = await s.JoinAsync("lab", "ada", "a");
        await ada.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "record"}"""));
        await ada.ReceiveAsync("user", where: IsRecorder);
        await ada.CloseNormallyAsync();
        await ada.DisposeAsync();

        await using var bob = await s.JoinAsync("lab", "bob", "b");
        await bob.AssertNothingBeforePongAsync("user", IsRecorder);
    }

    [Fact]
    public async Task A_recordings_folder_that_cannot_be_made_refuses_with_a_clear_error_and_a_log_line()
    {
        var log = new List<string>();
        await using var s = await StartAsync(log);
        Directory.CreateDirectory(s.Options.Recordings);
        File.WriteAllText(Path.Combine(s.Options.Recordings, "lab"), "a file where the group's folder should be");
        await using var ada = await s.JoinAsync("lab", "ada", "a");

        await ada.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "record"}"""));
        Assert.Equal(GroupRecordings.FolderRefusal, (await ada.ReceiveAsync("usermessage")).Str("value"));
        await ada.AssertNothingBeforePongAsync("user", IsRecorder);
        lock (log)
            Assert.Contains(log, l => l.Contains("Cannot record group lab"));
    }

    [Fact]
    public async Task A_file_that_cannot_be_written_stops_the_recording_tells_the_operators_and_the_conference_goes_on()
    {
        var log = new List<string>();
        await using var s = await StartAsync(log);
        await using var ada = await s.JoinAsync("lab", "ada", "a");
        await using var bob = await s.JoinAsync("lab", "bob", "b");
        var camera = await RecordingPublisher.PublishAsync(s, bob);
        camera.Send(RecordingPublisher.Clip.Take(1));
        await ada.SendAsync(Json.Obj("""{"type": "groupaction", "kind": "record"}"""));
        await bob.ReceiveAsync("user", where: IsRecorder);

        // The group's folder goes away and a file takes its name: the recording file cannot be created.
        var folder = Path.Combine(s.Options.Recordings, "lab");
        Directory.Delete(folder);
        File.WriteAllText(folder, "");
        camera.Send(RecordingPublisher.Clip, offset: 100);

        var warning = await ada.ReceiveAsync("usermessage", where: m => m.Str("kind") == "warning");
        Assert.StartsWith("Recording stopped", warning.Str("value"));
        await bob.ReceiveAsync("user", where: m => m.Str("kind") == "delete");
        await bob.AssertNothingBeforePongAsync("usermessage"); // not an operator: told nothing but the recorder's departure
        lock (log)
            Assert.Contains(log, l => l.Contains("Recording of group lab stopped"));
        await ada.SendAsync(Json.Obj("""{"type": "chat", "kind": "", "value": "still here"}"""));
        Assert.Equal("still here", (await bob.ReceiveAsync("chat")).Str("value"));
    }
}
