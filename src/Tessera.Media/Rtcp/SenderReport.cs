using System.Buffers.Binary;

namespace Tessera.Media.Rtcp;

/// <summary>SR (RFC 3550 §6.4.1).</summary>
public sealed class SenderReport : RtcpPacket
{
    public uint Ssrc { get; init; }
    public ulong NtpTimestamp { get; init; }
    public uint RtpTimestamp { get; init; }
    public uint PacketCount { get; init; }
    public uint OctetCount { get; init; }
    public List<ReceptionReport> Reports { get; init; } = new();

    public override int Length => 28 + ReceptionReport.Size * Reports.Count;

    public override void Write(Span<byte> d)
    {
        WriteHeader(d, Reports.Count, RtcpPacketType.SenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], Ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(d[8..], NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(d[16..], RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(d[20..], PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(d[24..], OctetCount);
        for (int i = 0; i < Reports.Count; i++)
            Reports[i].Write(d[(28 + i * ReceptionReport.Size)..]);
    }

    internal static SenderReport? Read(ReadOnlySpan<byte> p, int count)
    {
        if (p.Length < 28 + count * ReceptionReport.Size)
            return null;
        var reports = new List<ReceptionReport>(count);
        for (int i = 0; i < count; i++)
            reports.Add(ReceptionReport.Read(p[(28 + i * ReceptionReport.Size)..]));
        return new SenderReport
        {
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(p[4..]),
            NtpTimestamp = BinaryPrimitives.ReadUInt64BigEndian(p[8..]),
            RtpTimestamp = BinaryPrimitives.ReadUInt32BigEndian(p[16..]),
            PacketCount = BinaryPrimitives.ReadUInt32BigEndian(p[20..]),
            OctetCount = BinaryPrimitives.ReadUInt32BigEndian(p[24..]),
            Reports = reports,
        };
    }
}
