using System.Buffers.Binary;
using Tessera.Media.Codecs;
using Tessera.Media.Recording;
using Tessera.Media.Testing;

namespace Tessera.Media.Tests.Recording;

/// <summary>
/// H.264 from a real encoder (ffmpeg's libx264), packetised as RFC 6184 says (single NAL units,
/// STAP-A, FU-A), put back together into the length-prefixed access units Matroska stores, and
/// recorded into a .mkv file ffmpeg decodes.
/// </summary>
public class H264RecordingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tessera-h264-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // 180 lines is not a whole number of macroblocks: the SPS crops, which the picture size must honour.
    private static IReadOnlyList<EncodedFrame> Clip() => EncodedVideo.Encode("h264", seconds: 3, keyframeInterval: 30, width: 320, height: 180);

    private static byte[][] Nals(byte[] unit) => AnnexB.NalUnits(unit).Select(n => unit.AsSpan(n.Start, n.Length).ToArray()).ToArray();

    /// <summary>What the file should hold: the encoder's NAL units but the delimiter, each behind its 4-byte length.</summary>
    private static string Stored(IEnumerable<byte[]> nals) =>
        Convert.ToHexString(nals.Where(n => (n[0] & 0x1F) != 9)
                                .SelectMany(n => BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(n.Length)).Concat(n)).ToArray());

    private static string Stored(byte[] unit) => Stored(Nals(unit));

    private static List<(string Unit, bool Key)> Assemble(IEnumerable<byte[]> packets) => RecordingHarness.Assemble(Codec.H264, packets);

    [Theory]
    [InlineData(120)] // most slices in FU-A fragments
    [InlineData(1200)] // SPS, PPS and small slices aggregated in STAP-As, the rest alone
    public void Every_access_unit_comes_back_length_prefixed_with_keyframes_where_the_encoder_put_them(int maxPayload)
    {
        var clip = Clip();
        var packetizer = new VideoPacketizer("h264", ssrc: 5, maxPayload: maxPayload);
        var packets = RecordingHarness.Packets(packetizer, clip);
        var kinds = packetizer.H264PacketKinds;
        Assert.True(maxPayload == 120 ? kinds.FuA > clip.Count : kinds.StapA >= 3 && kinds.Single > 0, kinds.ToString());

        var units = Assemble(packets);

        Assert.Equal(clip.Select(f => Stored(f.Data)), units.Select(u => u.Unit));
        Assert.Equal(clip.Select(f => f.Keyframe), units.Select(u => u.Key));
        Assert.Equal(3, units.Count(u => u.Key));
    }

    [Fact]
    public void A_lost_fragment_drops_its_unit_and_every_one_after_it_until_an_idr()
    {
        var clip = Clip();
        var packetizer = new VideoPacketizer("h264", ssrc: 5, maxPayload: 60);
        // A fragment from the middle of a P picture of several packets never arrives.
        var (packets, damaged) = RecordingHarness.WithOneMiddlePacketLost(packetizer, clip);

        var units = Assemble(packets);

        Assert.Equal(clip.Take(damaged).Concat(clip.Skip(30)).Select(f => Stored(f.Data)), units.Select(u => u.Unit));
    }

    [Fact]
    public void Joining_in_the_middle_of_a_fragmented_idr_waits_for_the_next_one()
    {
        var clip = Clip();
        var packetizer = new VideoPacketizer("h264", ssrc: 5, maxPayload: 120);
        var packets = RecordingHarness.Packets(packetizer, clip);
        int firstFragment = packets.FindIndex(p => (p[12] & 0x1F) == 28);

        var units = Assemble(packets.Skip(firstFragment + 1)); // from the IDR's second fragment

        Assert.Equal(clip.Skip(30).Select(f => Stored(f.Data)), units.Select(u => u.Unit));
    }

    [Fact]
    public void An_idr_sent_without_its_parameter_sets_gets_the_latest_ones_in_front()
    {
        var clip = Clip();
        var packetizer = new VideoPacketizer("h264", ssrc: 5, maxPayload: 1200);
        // Some publishers send SPS and PPS once, not with every IDR: keep them in the first keyframe only.
        var sent = clip.Select((f, i) => i == 0 || !f.Keyframe ? Nals(f.Data)
                                                               : Nals(f.Data).Where(n => (n[0] & 0x1F) is not (7 or 8)).ToArray()).ToList();
        Assert.All(sent.Skip(1), nals => Assert.DoesNotContain(nals, n => (n[0] & 0x1F) == 7));
        var packets = sent.SelectMany((nals, i) => packetizer.Packets(ToAnnexB(nals), clip[i].Milliseconds, clip[i].Keyframe));

        var units = Assemble(packets);

        // Every keyframe comes out as the encoder wrote it, parameter sets first; other pictures as sent.
        Assert.Equal(clip.Select((f, i) => f.Keyframe ? Stored(f.Data) : Stored(sent[i])), units.Select(u => u.Unit));
        Assert.Equal(3, units.Count(u => u.Key));
    }

    [Fact]
    public void An_idr_with_no_parameter_set_ever_seen_is_not_a_keyframe()
    {
        var keyframe = Nals(Clip()[0].Data).Where(n => (n[0] & 0x1F) is not (7 or 8)).ToArray();
        var packetizer = new VideoPacketizer("h264", ssrc: 5, maxPayload: 1200);

        Assert.Empty(Assemble(packetizer.Packets(ToAnnexB(keyframe), 0, keyframe: true)));
    }

    [Fact]
    public void The_track_header_carries_sps_and_pps_in_an_avcC_record_and_the_cropped_picture_size()
    {
        var keyframe = Clip()[0];
        var nals = Nals(keyframe.Data);
        var sps = nals.Single(n => (n[0] & 0x1F) == 7);
        var pps = nals.Single(n => (n[0] & 0x1F) == 8);
        var stored = Convert.FromHexString(Stored(keyframe.Data));

        var record = H264ParameterSets.ConfigurationRecord(stored)!;

        var expected = new List<byte> { 1, sps[1], sps[2], sps[3], 0xFF, 0xE1, (byte)(sps.Length >> 8), (byte)sps.Length };
        expected.AddRange(sps);
        expected.AddRange([1, (byte)(pps.Length >> 8), (byte)pps.Length]);
        expected.AddRange(pps);
        Assert.Equal(Convert.ToHexString([.. expected]), Convert.ToHexString(record));
        Assert.Equal(66, sps[1]); // baseline, as asked of the encoder
        Assert.Equal((320, 180), PictureSize.Of(Codec.H264, stored));
        Assert.Null(H264ParameterSets.ConfigurationRecord(Convert.FromHexString(Stored(Clip()[1].Data)))); // a P picture has none
    }

    [Fact]
    public async Task A_recorded_h264_track_is_a_matroska_file_ffmpeg_decodes_without_an_error()
    {
        var path = Path.Combine(_folder, "h264.mkv");
        var clip = EncodedVideo.Repeated(Clip(), times: 2);

        var recorder = await RecordingHarness.RecordAsync("h264", 102, "packetization-mode=1;profile-level-id=42e01f", clip, maxPayload: 1000, path);

        var head = File.ReadAllBytes(path).AsSpan(0, 64);
        Assert.True(head.IndexOf("matroska"u8) > 0, "DocType matroska: WebM cannot hold H.264");
        var probe = await MediaProbe.ProbeAsync(path);
        Assert.Equal("", probe.Errors);
        var stream = Assert.Single(probe.Streams);
        Assert.Equal(("video", "h264", 320, 180), (stream.CodecType, stream.CodecName, stream.Width, stream.Height));
        Assert.InRange(probe.Duration!.Value, 5.8, 6.1);
        Assert.Equal("", await MediaProbe.DecodeErrorsAsync(path));
        Assert.Equal(clip.Count, (await MediaProbe.FrameWidthsAsync(path)).Count);
        Assert.Equal(clip.Count, recorder.FramesWritten);
    }

    private static byte[] ToAnnexB(IEnumerable<byte[]> nals) => nals.SelectMany(n => new byte[] { 0, 0, 0, 1 }.Concat(n)).ToArray();
}
