using System.Buffers.Binary;
using Tessera.Media.Rtp;

namespace Tessera.Bench.Sfu;

/// <summary>
/// The bench's stamp inside every RTP payload, after a codec prefix the server may inspect:
/// publisher index (4), kind (1), per-track counter (4), send time in Stopwatch ticks (8).
/// </summary>
internal static class BenchPayload
{
    public const int StampOffset = 4;
    public const int StampLength = 17;
    public const byte Audio = 0, Video = 1;

    public static byte[] Build(int publisher, byte kind, uint seq, uint counter, uint timestamp, uint ssrc, byte payloadType, bool keyframe, int size, string mid, long sentTicks)
    {
        var payload = new byte[size];
        if (kind == Video)
        {
            payload[0] = 0x10;                       // VP8 descriptor: S=1, PID=0
            payload[1] = keyframe ? (byte)0x00 : (byte)0x01; // frame tag: P bit 0 = keyframe
        }
        else
        {
            payload[0] = 0x78;                       // an opus TOC byte
        }
        var s = payload.AsSpan(StampOffset);
        BinaryPrimitives.WriteInt32BigEndian(s, publisher);
        s[4] = kind;
        BinaryPrimitives.WriteUInt32BigEndian(s[5..], counter);
        BinaryPrimitives.WriteInt64BigEndian(s[9..], sentTicks);
        var b = new RtpPacketBuilder { PayloadType = payloadType, SequenceNumber = (ushort)seq, Timestamp = timestamp, Ssrc = ssrc, Marker = true, Payload = payload };
        b.Extensions.Add((PublisherOffer.MidExtensionId, System.Text.Encoding.ASCII.GetBytes(mid)));
        return b.ToArray();
    }

    /// <summary>Reads the stamp from a decrypted RTP packet, skipping CSRCs and header extensions.</summary>
    public static bool TryRead(ReadOnlySpan<byte> rtp, out int publisher, out byte kind, out uint counter, out long sentTicks)
    {
        publisher = 0; kind = 0; counter = 0; sentTicks = 0;
        if (rtp.Length < 12)
            return false;
        int offset = 12 + 4 * (rtp[0] & 0x0F);
        if ((rtp[0] & 0x10) != 0)
        {
            if (rtp.Length < offset + 4)
                return false;
            offset += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(rtp[(offset + 2)..]);
        }
        int end = rtp.Length - ((rtp[0] & 0x20) != 0 ? rtp[^1] : 0);
        if (end < offset + StampOffset + StampLength)
            return false;
        var s = rtp[(offset + StampOffset)..];
        publisher = BinaryPrimitives.ReadInt32BigEndian(s);
        kind = s[4];
        counter = BinaryPrimitives.ReadUInt32BigEndian(s[5..]);
        sentTicks = BinaryPrimitives.ReadInt64BigEndian(s[9..]);
        return true;
    }
}
