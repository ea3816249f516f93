using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;
using Tessera.Media.Sdp;
using Tessera.Media.Sfu;
using Tessera.Media.Transport;

namespace Tessera.Media.Tests.Sfu;

internal sealed class RecordingSink : IRtpSink
{
    public List<byte[]> Rtp { get; } = new();
    public List<RtcpPacket> Rtcp { get; } = new();

    public bool SendRtp(Span<byte> buffer, int length)
    {
        Rtp.Add(buffer[..length].ToArray());
        return true;
    }

    public void SendRtcp(IReadOnlyList<RtcpPacket> packets) => Rtcp.AddRange(packets);
}

internal static class SfuFixtures
{
    public const uint PublisherSsrc = 0xAAAA0001;

    public static NegotiatedMedia Video(params string[] feedback)
    {
        var codec = new NegotiatedCodec(96, CodecCatalog.ByName("vp8")!, "", feedback);
        return new NegotiatedMedia("1", "video", [codec], new Dictionary<int, string>(), [], [PublisherSsrc], "s", "t");
    }

    public static IncomingTrack Track(RecordingSink publisher, ManualTimeProvider clock, string? rid = null, params string[] feedback) =>
        new("1", Video(feedback), Video(feedback).Codecs[0], PublisherSsrc, rid, publisher, 0x5E4F, clock);

    /// <summary>A publisher's packet: PT 96, a one-byte extension (mid), payload bytes derived from the sequence number.</summary>
    public static byte[] Packet(ushort sequence, uint timestamp = 0, byte[]? payload = null)
    {
        var b = new RtpPacketBuilder
        {
            PayloadType = 96, SequenceNumber = sequence, Timestamp = timestamp == 0 ? sequence * 3000u : timestamp,
            Ssrc = PublisherSsrc, Payload = payload ?? [(byte)sequence, (byte)(sequence >> 8), 0xEE, 0xFF],
        };
        b.Extensions.Add((4, "1"u8.ToArray()));
        return b.ToArray();
    }

    /// <summary>VP8 payloads: start of partition 0 with the frame tag's P bit clear (key) or set (delta).</summary>
    public static readonly byte[] Vp8Key = [0x10, 0x00, 0x9D, 0x01, 0x2A];
    public static readonly byte[] Vp8Delta = [0x10, 0x01, 0x00];

    public static RtpPacket Parse(byte[] bytes)
    {
        Assert.True(RtpPacket.TryParse(bytes, out var p));
        return p;
    }
}
