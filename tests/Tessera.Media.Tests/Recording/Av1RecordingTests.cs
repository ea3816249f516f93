using Tessera.Media.Codecs;
using Tessera.Media.Recording;
using Tessera.Media.Testing;

namespace Tessera.Media.Tests.Recording;

/// <summary>
/// AV1 from a real encoder (ffmpeg's libaom), packetised as its RTP payload format says, put back
/// together into the temporal units Matroska stores, and recorded into a file ffmpeg decodes.
/// </summary>
public class Av1RecordingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tessera-av1-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IReadOnlyList<EncodedFrame> Clip() => EncodedVideo.Encode("av1", seconds: 3, keyframeInterval: 30);

    /// <summary>What the file should hold: the encoder's temporal unit without its temporal delimiter (OBU type 2).</summary>
    private static string Stored(byte[] unit)
    {
        Assert.Equal(0x12, unit[0]); // libaom starts each unit with a temporal delimiter…
        Assert.Equal(0x00, unit[1]); // …of no payload
        return Convert.ToHexString(unit.AsSpan(2));
    }

    private static List<(string Unit, bool Key)> Assemble(IEnumerable<byte[]> packets) => RecordingHarness.Assemble(Codec.Av1, packets);

    [Theory]
    [InlineData(true, 120)] // W=1..3: the last element of a packet without its length
    [InlineData(false, 120)] // W=0: every element with its length
    [InlineData(true, 1200)] // most units in one packet, several OBUs aggregated
    public void Every_temporal_unit_comes_back_whole_with_keyframes_where_the_encoder_put_them(bool countElements, int maxPayload)
    {
        var clip = Clip();
        var packetizer = new VideoPacketizer("av1", ssrc: 5, maxPayload: maxPayload) { Av1CountElements = countElements };
        var packets = RecordingHarness.Packets(packetizer, clip);
        if (maxPayload == 120)
            Assert.True(packets.Count > clip.Count * 2, "units fragmented across packets");

        var units = Assemble(packets);

        Assert.Equal(clip.Select(f => Stored(f.Data)), units.Select(u => u.Unit));
        Assert.Equal(clip.Select(f => f.Keyframe), units.Select(u => u.Key));
        Assert.Equal(3, units.Count(u => u.Key));
    }

    [Fact]
    public void A_lost_fragment_drops_its_unit_and_every_one_after_it_until_a_keyframe()
    {
        var clip = Clip();
        var packetizer = new VideoPacketizer("av1", ssrc: 5, maxPayload: 40);
        // A fragment from the middle of a delta unit of several packets never arrives.
        var (packets, damaged) = RecordingHarness.WithOneMiddlePacketLost(packetizer, clip);

        var units = Assemble(packets);

        var expected = clip.Take(damaged).Concat(clip.Skip(30)).Select(f => Stored(f.Data));
        Assert.Equal(expected, units.Select(u => u.Unit));
    }

    [Fact]
    public void Joining_in_the_middle_of_a_fragmented_unit_waits_for_a_whole_keyframe()
    {
        var clip = Clip();
        var packetizer = new VideoPacketizer("av1", ssrc: 5, maxPayload: 120);
        var packets = RecordingHarness.Packets(packetizer, clip);
        Assert.NotEqual(0, packets[1][12] & 0x80); // the keyframe's second packet continues an OBU (Z=1)

        var units = Assemble(packets.Skip(1));

        Assert.Equal(clip.Skip(30).Select(f => Stored(f.Data)), units.Select(u => u.Unit));
    }

    [Fact]
    public void The_track_header_repeats_the_sequence_header_in_an_av1C_record()
    {
        var keyframe = Clip()[0].Data;

        var header = Av1SequenceHeader.In(keyframe)!;
        var record = Av1SequenceHeader.ConfigurationRecord(keyframe)!;

        Assert.Equal((0, 160, 120, false, false, true, true), (header.Profile, header.MaxWidth, header.MaxHeight, header.HighBitDepth,
                                                              header.Monochrome, header.SubsamplingX, header.SubsamplingY));
        Assert.Equal(0x81, record[0]); // marker and version 1
        Assert.Equal((header.Profile << 5) | header.Level, record[1]);
        Assert.Equal(0x0C | header.ChromaSamplePosition, record[2]); // 8-bit 4:2:0, main tier
        Assert.Equal(0, record[3]);
        int sequenceLength = 2 + keyframe[3]; // header byte, one-byte size, payload (after the 2-byte temporal delimiter)
        Assert.Equal(Convert.ToHexString(keyframe.AsSpan(2, sequenceLength)), Convert.ToHexString(record.AsSpan(4)));
        Assert.Equal((160, 120), PictureSize.Of(Codec.Av1, keyframe));
    }

    [Fact]
    public async Task A_recorded_av1_track_is_a_webm_ffmpeg_decodes_without_an_error()
    {
        var path = Path.Combine(_folder, "av1.webm");
        var clip = EncodedVideo.Repeated(Clip(), times: 2);

        var recorder = await RecordingHarness.RecordAsync("av1", 35, "", clip, maxPayload: 300, path);

        var probe = await MediaProbe.ProbeAsync(path);
        Assert.Equal("", probe.Errors);
        var stream = Assert.Single(probe.Streams);
        Assert.Equal(("video", "av1", 160, 120), (stream.CodecType, stream.CodecName, stream.Width, stream.Height));
        Assert.InRange(probe.Duration!.Value, 5.8, 6.1);
        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(path));
        Assert.Equal(clip.Count, (await MediaProbe.FrameWidthsAsync(path)).Count);
        Assert.Equal(clip.Count, recorder.FramesWritten);
    }
}
