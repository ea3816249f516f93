using Tessera.Media.Codecs;
using Tessera.Media.Recording;


namespace Tessera.Media.Tests.Recording;

/// <summary>
/// The WebM writer fed real VP8, VP9 and AV1 pictures (encoded by ffmpeg), judged by ffprobe and ffmpeg,
/// and its structure (cues pointing at clusters, sizes) read back with a minimal EBML reader.
/// </summary>
public class WebmWriterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tessera-webm-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, Codec codec, IReadOnlyList<EncodedFrame> frames, bool finish = true)
    {
        var path = Path.Combine(_folder, name);
        using var file = File.Create(path);
        var size = PictureSize.Of(codec, frames[0].Data);
        var codecPrivate = codec == Codec.Av1 ? Av1SequenceHeader.ConfigurationRecord(frames[0].Data) : null;
        var writer = new WebmWriter(file, [new WebmTrack(1, codec, size!.Value.Width, size.Value.Height, codecPrivate)]);
        foreach (var frame in frames)
            writer.WriteFrame(1, frame.Milliseconds, frame.Keyframe, frame.Data);
        if (finish)
            writer.Finish();
        return path;
    }

    [Theory]
    [InlineData("vp8")]
    [InlineData("vp9")]
    [InlineData("av1")]
    public async Task A_finished_file_is_read_and_decoded_without_a_complaint_and_seeks_through_its_cues(string codecName)
    {
        var codec = codecName switch { "vp8" => Codec.Vp8, "vp9" => Codec.Vp9, _ => Codec.Av1 };
        var frames = EncodedVideo.Encode(codecName, seconds: 3, keyframeInterval: 30);
        var path = Write("finished.webm", codec, frames);

        var probe = await MediaProbe.ProbeAsync(path);
        Assert.Equal("", probe.Errors);
        var stream = Assert.Single(probe.Streams);
        Assert.Equal(("video", codecName, 160, 120), (stream.CodecType, stream.CodecName, stream.Width, stream.Height));
        Assert.InRange(probe.Duration!.Value, 2.9, 3.1);
        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(path));
        Assert.Equal(frames.Count, (await MediaProbe.FrameWidthsAsync(path)).Count);

        // One cue per keyframe, each pointing at a cluster that starts with that keyframe's time.
        var file = EbmlFile.Read(path);
        Assert.False(file.SegmentSizeUnknown);
        var keyTimes = frames.Where(f => f.Keyframe).Select(f => f.Milliseconds).ToList();
        Assert.Equal(keyTimes, file.Cues.Select(c => c.Time));
        foreach (var cue in file.Cues)
            Assert.Equal(cue.Time, file.ClusterTimeAt(cue.ClusterPosition));
        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(path, seekSeconds: 2.1));
    }

    /// <summary>
    /// WebRTC pictures come at uneven intervals, and ffmpeg's decoder output runs on a clock of one tick
    /// per frame interval, guessed from the first pictures when the file gives none: two pictures closer
    /// than that tick collide ("non monotonically increasing dts", the message a recording of Chromium's
    /// AV1 camera once failed with). Pictures closer together after a regular start (a burst from a
    /// loaded sender) must not. (At 1 ms, ffmpeg ignores the file's DefaultDuration: the recorder never
    /// writes pictures closer than <see cref="StreamRecorder.MinimumPictureSpacingMilliseconds"/>.)
    /// </summary>
    [Theory]
    [InlineData(45, StreamRecorder.MinimumPictureSpacingMilliseconds)]
    [InlineData(4, StreamRecorder.MinimumPictureSpacingMilliseconds)]
    [InlineData(45, 2)]
    [InlineData(45, 20)]
    public async Task Pictures_closer_than_their_usual_interval_decode_each_in_its_own_tick(int at, int interval)
    {
        var encoded = EncodedVideo.Encode("vp8", seconds: 3, keyframeInterval: 30);
        int[] usual = [33, 34, 33];
        var frames = new List<EncodedFrame>();
        long time = 0;
        for (int i = 0; i < encoded.Count; i++)
        {
            frames.Add(encoded[i] with { Milliseconds = time });
            time += i == at ? interval : usual[i % usual.Length];
        }
        await AssertEveryPictureDecodesCleanlyAsync(frames);
    }

    [Fact]
    public async Task Pictures_far_apart_at_uneven_intervals_decode_each_in_its_own_tick()
    {
        var encoded = EncodedVideo.Encode("vp8", seconds: 1, keyframeInterval: 30);
        int[] intervals = [250, 400, 300, 210, 390];
        var frames = encoded.Select((f, i) => f with { Milliseconds = intervals.Take(i % 5).Sum() + i / 5 * intervals.Sum() }).ToList();
        await AssertEveryPictureDecodesCleanlyAsync(frames);
    }

    private async Task AssertEveryPictureDecodesCleanlyAsync(List<EncodedFrame> frames)
    {
        var path = Write("uneven.webm", Codec.Vp8, frames);
        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(path));
        Assert.Equal(frames.Count, (await MediaProbe.FrameWidthsAsync(path)).Count);
    }

    [Fact]
    public async Task A_file_never_finished_still_reads_up_to_its_last_whole_cluster()
    {
        var frames = EncodedVideo.Encode("vp8", seconds: 3, keyframeInterval: 30);
        var path = Write("cut.webm", Codec.Vp8, frames, finish: false);

        var file = EbmlFile.Read(path);
        Assert.True(file.SegmentSizeUnknown);
        Assert.Empty(file.Cues);
        var probe = await MediaProbe.ProbeAsync(path);
        Assert.Equal("", probe.Errors);
        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(path));
        // The last cluster, still being built when writing stopped, is missing; the earlier ones are all there.
        int lastKey = frames.ToList().FindLastIndex(f => f.Keyframe);
        Assert.Equal(lastKey, (await MediaProbe.FrameWidthsAsync(path)).Count);
    }

    [Fact]
    public void A_long_stretch_without_keyframes_is_cut_into_clusters_whose_block_offsets_fit_16_bits()
    {
        var path = Path.Combine(_folder, "long.webm");
        using (var stream = File.Create(path))
        {
            var writer = new WebmWriter(stream, [new WebmTrack(1, Codec.Opus)]);
            for (long t = 0; t <= 70_000; t += 20)
                writer.WriteFrame(1, t, keyframe: true, new byte[3]);
            writer.Finish();
        }
        var file = EbmlFile.Read(path);
        Assert.Equal(70_000 / WebmWriter.AudioClusterMilliseconds + 1, file.Cues.Count);
        Assert.All(file.Cues, c => Assert.Equal(c.Time, file.ClusterTimeAt(c.ClusterPosition)));
    }
}
