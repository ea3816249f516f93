using Tessera.Media.Codecs;
using Tessera.Media.Recording;
using Tessera.Media.Rtcp;
using Tessera.Media.Sdp;
using Tessera.Media.Sfu;
using Tessera.Media.Testing;
using Tessera.Media.Tests.Sfu;

namespace Tessera.Media.Tests.Recording;

/// <summary>
/// A stream's recorder on real incoming tracks, fed browser-like packets of real pictures on a
/// manual clock: which encoding is recorded, what a slow or failing disk does.
/// </summary>
public class StreamRecorderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tessera-recorder-").FullName;
    private readonly ManualTimeProvider _clock = new();
    private readonly RecordingSink _publisher = new();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private IncomingTrack Track(uint ssrc, string? rid)
    {
        var codec = new NegotiatedCodec(96, CodecCatalog.ByName("vp8")!, "", ["nack pli"]);
        var media = new NegotiatedMedia("0", "video", [codec], new Dictionary<int, string>(), [], [ssrc], "s", "t");
        return new IncomingTrack(rid is null ? "0" : "0:" + rid, media, codec, ssrc, rid, _publisher, 0x5E4F, _clock);
    }

    private static void Deliver(IncomingTrack track, VideoPacketizer packetizer, EncodedFrame picture, long offset = 0)
    {
        foreach (var packet in packetizer.Packets(picture.Data, picture.Milliseconds + offset, picture.Keyframe))
            track.Deliver(packet);
    }

    [Fact]
    public async Task The_full_encoding_is_recorded_and_the_half_one_takes_over_at_its_keyframe_once_the_full_one_falls_silent()
    {
        var full = EncodedVideo.Encode("vp8", seconds: 2, keyframeInterval: 30, width: 320, height: 240);
        var half = EncodedVideo.Repeated(EncodedVideo.Encode("vp8", seconds: 3, keyframeInterval: 30), times: 2); // 160 wide
        var (h, l) = (Track(1, "h"), Track(2, "l"));
        var (ph, pl) = (new VideoPacketizer("vp8", 1), new VideoPacketizer("vp8", 2));
        var path = Path.Combine(_folder, "simulcast.webm");
        var recorder = new StreamRecorder(Codec.Vp8, audio: false, () => File.Create(path), _clock);
        Assert.True(recorder.Attach(h, rank: 2));
        Assert.True(recorder.Attach(l, rank: 0));
        Assert.Equal(2, _publisher.Rtcp.OfType<PictureLossIndication>().Count()); // the file starts at a keyframe: asked of both

        for (int i = 0; i < half.Count; i++)
        {
            if (i < full.Count)
                Deliver(h, ph, full[i]);
            Deliver(l, pl, half[i]);
            _clock.Advance(TimeSpan.FromMilliseconds(1000.0 / 30));
        }
        await recorder.StopAsync();

        var widths = await MediaProbe.FrameWidthsAsync(path);
        // All 60 full-size pictures, then the half-size ones from the first keyframe one second of silence later.
        Assert.Equal(Enumerable.Repeat(320, full.Count), widths.Take(full.Count));
        int takeover = Enumerable.Range(full.Count + 30, 30).First(i => half[i].Keyframe);
        Assert.Equal(Enumerable.Repeat(160, half.Count - takeover), widths.Skip(full.Count));
        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(path));
        var probe = await MediaProbe.ProbeAsync(path);
        Assert.InRange(probe.Duration!.Value, 5.8, 6.1);
        Assert.Equal(0, recorder.FramesDropped);
    }

    [Fact]
    public async Task Pictures_captured_a_millisecond_apart_are_spaced_out_so_the_file_keeps_a_plausible_frame_rate()
    {
        var clip = EncodedVideo.Encode("vp8", seconds: 2, keyframeInterval: 30);
        var track = Track(1, null);
        var packetizer = new VideoPacketizer("vp8", 1);
        var path = Path.Combine(_folder, "burst.webm");
        var recorder = new StreamRecorder(Codec.Vp8, audio: false, () => File.Create(path), _clock);
        recorder.Attach(track);

        // Every tenth picture is captured 1 ms after the one before it (a sender catching up), then the
        // usual 33 ms resume from there.
        long captured = -33;
        for (int i = 0; i < clip.Count; i++)
        {
            captured += i % 10 == 0 && i > 0 ? 1 : 33;
            Deliver(track, packetizer, clip[i] with { Milliseconds = captured });
            _clock.Advance(TimeSpan.FromMilliseconds(33));
        }
        await recorder.StopAsync();

        var times = await MediaProbe.VideoPacketMillisecondsAsync(path);
        Assert.Equal(clip.Count, times.Count);
        var intervals = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
        Assert.Equal(StreamRecorder.MinimumPictureSpacingMilliseconds, intervals.Min());
        // The picture after each pushed one is on time again: nothing drifts.
        Assert.Equal(captured, times[^1] - times[0]);
        Assert.True(intervals.Count(i => i != 33) <= 2 * clip.Count / 10, string.Join(",", intervals));
        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(path));
    }

    [Fact]
    public async Task A_disk_that_falls_behind_costs_dropped_frames_never_a_wait_and_video_resumes_at_a_keyframe()
    {
        var clip = EncodedVideo.Encode("vp8", seconds: 3, keyframeInterval: 30).Take(30).ToList();
        var track = Track(1, null);
        var packetizer = new VideoPacketizer("vp8", 1);
        var path = Path.Combine(_folder, "slow.webm");
        var disk = new StalledStream(File.Create(path));
        var recorder = new StreamRecorder(Codec.Vp8, audio: false, () => disk, _clock);
        recorder.Attach(track);
        _clock.Advance(TimeSpan.FromSeconds(1)); // past the keyframe requester's interval

        // While the disk is stalled, far more than the queue holds arrives; every Deliver returns.
        int loops = StreamRecorder.MaxQueuedFrames / clip.Count + 2;
        for (int loop = 0; loop < loops; loop++)
            foreach (var picture in clip)
                Deliver(track, packetizer, picture, offset: loop * 1000L);
        Assert.True(recorder.FramesDropped > 0);
        Assert.True(_publisher.Rtcp.OfType<PictureLossIndication>().Count() >= 2, "a keyframe was asked for after the drop");

        disk.Release();
        for (int loop = loops; loop < loops + 2; loop++) // the next keyframe resumes the video
            foreach (var picture in clip)
                Deliver(track, packetizer, picture, offset: loop * 1000L);
        await recorder.StopAsync();

        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(path));
        Assert.Equal(recorder.FramesWritten, (await MediaProbe.FrameWidthsAsync(path)).Count);
        Assert.Equal(loops * clip.Count + 2 * clip.Count, recorder.FramesWritten + recorder.FramesDropped + recorder.FramesSkipped);
    }

    [Fact]
    public async Task A_disk_that_fails_stops_the_recording_once_with_the_reason_and_later_packets_go_nowhere()
    {
        var clip = EncodedVideo.Encode("vp8", seconds: 3, keyframeInterval: 30).Take(15).ToList();
        var track = Track(1, null);
        var packetizer = new VideoPacketizer("vp8", 1);
        var failures = new List<Exception>();
        var recorder = new StreamRecorder(Codec.Vp8, audio: false, () => new FullDisk(), _clock, e => { lock (failures) failures.Add(e); });
        recorder.Attach(track);

        foreach (var picture in clip)
            Deliver(track, packetizer, picture);
        await recorder.Completion;
        foreach (var picture in clip)
            Deliver(track, packetizer, picture, offset: 1000);
        await recorder.StopAsync();

        var failure = Assert.IsType<IOException>(Assert.Single(failures));
        Assert.Contains("No space left", failure.Message);
        Assert.True(recorder.FileCreated);
        Assert.Equal(0, recorder.FramesWritten);
    }

    /// <summary>A file whose writes wait until <see cref="Release"/> (a disk that cannot keep up).</summary>
    private sealed class StalledStream(FileStream file) : Stream
    {
        private readonly ManualResetEventSlim _released = new();

        public void Release() => _released.Set();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _released.Wait();
            file.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Flush() => file.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => true;
        public override bool CanWrite => true;
        public override long Length => file.Length;
        public override long Position { get => file.Position; set => file.Position = value; }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);
        public override void SetLength(long value) => file.SetLength(value);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                file.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A disk with no room left: every write fails as ENOSPC does.</summary>
    private sealed class FullDisk : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("No space left on device");
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");
    }
}
