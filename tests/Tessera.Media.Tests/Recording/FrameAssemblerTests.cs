using Tessera.Media.Codecs;
using Tessera.Media.Processing;
using Tessera.Media.Recording;
using Tessera.Media.Rtp;
using Tessera.Media.Testing;

namespace Tessera.Media.Tests.Recording;

/// <summary>Pictures split into RTP packets as a browser splits them, and put back together.</summary>
public class FrameAssemblerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static List<(byte[] Frame, bool Key)> Assemble(FrameAssembler assembler, IEnumerable<byte[]> packets)
    {
        var frames = new List<(byte[], bool)>();
        foreach (var data in packets)
        {
            Assert.True(RtpPacket.TryParse(data, out var header));
            if (assembler.Add(new ReceivedPacket(data, header, default, T0)))
                frames.Add((assembler.Frame.ToArray(), assembler.FrameIsKeyframe));
        }
        return frames;
    }

    [Theory]
    [InlineData("vp8")]
    [InlineData("vp9")]
    public void Every_picture_comes_back_byte_for_byte(string codec)
    {
        var pictures = EncodedVideo.Encode(codec, seconds: 3, keyframeInterval: 30);
        var packetizer = new VideoPacketizer(codec, ssrc: 5, maxPayload: 200);
        var packets = pictures.SelectMany(p => packetizer.Packets(p.Data, p.Milliseconds, p.Keyframe));

        var frames = Assemble(FrameAssembler.For(codec == "vp9" ? Codec.Vp9 : Codec.Vp8), packets);

        Assert.Equal(pictures.Select(p => Convert.ToHexString(p.Data)), frames.Select(f => Convert.ToHexString(f.Frame)));
        Assert.Equal(pictures.Select(p => p.Keyframe), frames.Select(f => f.Key));
    }

    [Fact]
    public void A_lost_packet_drops_its_picture_and_every_one_after_it_until_a_keyframe()
    {
        var pictures = EncodedVideo.Encode("vp8", seconds: 3, keyframeInterval: 30);
        var packetizer = new VideoPacketizer("vp8", ssrc: 5, maxPayload: 200);
        var perPicture = pictures.Select(p => packetizer.Packets(p.Data, p.Milliseconds, p.Keyframe)).ToList();
        int damaged = Enumerable.Range(1, 8).First(i => perPicture[i].Count > 1); // a delta picture of several packets
        perPicture[damaged].RemoveAt(perPicture[damaged].Count - 1); // its last packet (and marker) never arrives

        var frames = Assemble(new Vp8FrameAssembler(), perPicture.SelectMany(p => p));

        var expected = pictures.Take(damaged).Concat(pictures.Skip(30)).Select(p => Convert.ToHexString(p.Data));
        Assert.Equal(expected, frames.Select(f => Convert.ToHexString(f.Frame)));
    }

    [Fact]
    public void A_retransmission_arriving_late_or_twice_is_ignored()
    {
        var pictures = EncodedVideo.Encode("vp8", seconds: 3, keyframeInterval: 30).Take(6).ToList();
        var packetizer = new VideoPacketizer("vp8", ssrc: 5, maxPayload: 200);
        var packets = pictures.SelectMany(p => packetizer.Packets(p.Data, p.Milliseconds, p.Keyframe)).ToList();
        var withRepeats = packets.SelectMany((p, i) => i > 0 ? new[] { p, packets[i - 1] } : [p]);

        var frames = Assemble(new Vp8FrameAssembler(), withRepeats);

        Assert.Equal(pictures.Select(p => Convert.ToHexString(p.Data)), frames.Select(f => Convert.ToHexString(f.Frame)));
    }

    [Fact]
    public void An_opus_packet_is_a_frame_and_a_loss_costs_only_that_frame()
    {
        var packets = Enumerable.Range(0, 5).Where(i => i != 2).Select(i => new RtpPacketBuilder
        {
            PayloadType = 111, SequenceNumber = (ushort)(100 + i), Timestamp = (uint)(960 * i), Ssrc = 9, Payload = [0xFC, (byte)i],
        }.ToArray());

        var frames = Assemble(new OpusFrameAssembler(), packets);

        Assert.Equal(["FC00", "FC01", "FC03", "FC04"], frames.Select(f => Convert.ToHexString(f.Frame)));
    }
}
