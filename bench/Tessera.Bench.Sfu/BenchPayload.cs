using System.Buffers.Binary;
using Tessera.Media.Rtp;

namespace Tessera.Bench.Sfu;

/// <summary>
/// The bench's stamp inside every RTP payload, after a codec prefix the server may inspect:
/// publisher index (4), kind (1), per-track counter (4), send time in Stopwatch ticks (8, CLOCK_MONOTONIC:
/// comparable between the bench's processes).
/// </summary>
internal static class BenchPayload
{
    public const int StampOffset = 4;
    public const int StampLength = 17;
    public const byte Audio = 0, Video = 1;

    /// <summary>
    /// One track's RTP packet, built once and then rewritten in place for every send (sequence number,
    /// timestamp, keyframe bit, counter, send time): the publishers allocate nothing per packet.
    /// </summary>
    public sealed class Template
    {
        private readonly byte[] _packet;
        private readonly int _payload;
        private readonly byte _kind;

        public Template(int publisher, byte kind, uint ssrc, byte payloadType, int size, string mid)
        {
            var payload = new byte[size];
            payload[0] = kind == Video ? (byte)0x10 : (byte)0x78; // VP8 descriptor S=1, PID=0; or an opus TOC byte
            BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(StampOffset), publisher);
            payload[StampOffset + 4] = kind;
            var b = new RtpPacketBuilder { PayloadType = payloadType, Ssrc = ssrc, Marker = true, Payload = payload };
            b.Extensions.Add((PublisherOffer.MidExtensionId, System.Text.Encoding.ASCII.GetBytes(mid)));
            _packet = b.ToArray();
            _payload = _packet.Length - size;
            _kind = kind;
        }

        /// <summary>The packet with these fields; valid until the next call.</summary>
        public ReadOnlySpan<byte> Next(ushort seq, uint timestamp, uint counter, bool keyframe, long sentTicks)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), seq);
            BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(4), timestamp);
            var payload = _packet.AsSpan(_payload);
            if (_kind == Video)
                payload[1] = keyframe ? (byte)0x00 : (byte)0x01; // VP8 frame tag: P bit 0 = keyframe
            BinaryPrimitives.WriteUInt32BigEndian(payload[(StampOffset + 5)..], counter);
            BinaryPrimitives.WriteInt64BigEndian(payload[(StampOffset + 9)..], sentTicks);
            return _packet;
        }
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
