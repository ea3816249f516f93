using System.Buffers.Binary;

namespace Tessera.Media.Rtcp;

/// <summary>Parses and builds compound RTCP packets (RFC 3550 §6.1).</summary>
public static class RtcpCompound
{
    /// <summary>
    /// Splits a compound packet and decodes each part. Fails on any structural error (wrong version,
    /// length overrunning the datagram, padding on a non-final packet, a known type too short).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out List<RtcpPacket> packets)
    {
        packets = new List<RtcpPacket>();
        int at = 0;
        while (at < data.Length)
        {
            if (data.Length - at < 4 || (data[at] >> 6) != 2)
                return false;
            int length = (BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]) + 1) * 4;
            if (at + length > data.Length)
                return false;
            ReadOnlySpan<byte> whole = data.Slice(at, length);
            ReadOnlySpan<byte> p = whole;
            if ((p[0] & 0x20) != 0)
            {
                // Padding is allowed only on the last packet of the compound (RFC 3550 §6.4.1).
                if (at + length != data.Length || p[^1] == 0 || p[^1] > length - 4)
                    return false;
                p = p[..(length - p[^1])];
            }
            var packet = Decode(p);
            if (packet is null)
                return false;
            // A packet we do not decode is kept as it came, padding included: its header counts it.
            if (packet is UnknownRtcpPacket && p.Length != whole.Length)
                packet = new UnknownRtcpPacket(whole.ToArray());
            packets.Add(packet);
            at += length;
        }
        return packets.Count > 0;
    }

    private static RtcpPacket? Decode(ReadOnlySpan<byte> p)
    {
        int count = p[0] & 0x1F;
        switch (p[1])
        {
            case RtcpPacketType.SenderReport:
                return SenderReport.Read(p, count);
            case RtcpPacketType.ReceiverReport:
                return ReceiverReport.Read(p, count);
            case RtcpPacketType.SourceDescription:
                return SourceDescription.Read(p, count);
            case RtcpPacketType.Goodbye:
                return Goodbye.Read(p, count);
            case RtcpPacketType.TransportFeedback when count == GenericNack.Format:
                return GenericNack.Read(p);
            case RtcpPacketType.PayloadFeedback when count == PictureLossIndication.Format:
                return PictureLossIndication.Read(p);
            case RtcpPacketType.PayloadFeedback when count == FullIntraRequest.Format:
                return FullIntraRequest.Read(p);
            case RtcpPacketType.PayloadFeedback when count == ReceiverEstimatedMaxBitrate.Format && ReceiverEstimatedMaxBitrate.Matches(p):
                return ReceiverEstimatedMaxBitrate.Read(p);
            default:
                return new UnknownRtcpPacket(p.ToArray());
        }
    }

    public static byte[] Serialize(IEnumerable<RtcpPacket> packets)
    {
        var list = packets as IReadOnlyList<RtcpPacket> ?? packets.ToList();
        var bytes = new byte[list.Sum(p => p.Length)];
        int at = 0;
        foreach (var p in list)
        {
            p.Write(bytes.AsSpan(at));
            at += p.Length;
        }
        return bytes;
    }

    public static byte[] Serialize(params RtcpPacket[] packets) => Serialize((IEnumerable<RtcpPacket>)packets);
}
