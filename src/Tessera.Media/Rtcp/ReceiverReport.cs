using System.Buffers.Binary;

namespace Tessera.Media.Rtcp;

/// <summary>RR (RFC 3550 §6.4.2).</summary>
public sealed class ReceiverReport : RtcpPacket
{
    public uint Ssrc { get; init; }
    public List<ReceptionReport> Reports { get; init; } = new();

    public override int Length => 8 + ReceptionReport.Size * Reports.Count;

    public override void Write(Span<byte> d)
    {
        WriteHeader(d, Reports.Count, RtcpPacketType.ReceiverReport);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], Ssrc);
        for (int i = 0; i < Reports.Count; i++)
            Reports[i].Write(d[(8 + i * ReceptionReport.Size)..]);
    }

    internal static ReceiverReport? Read(ReadOnlySpan<byte> p, int count)
    {
        if (p.Length < 8 + count * ReceptionReport.Size)
            return null;
        var reports = new List<ReceptionReport>(count);
        for (int i = 0; i < count; i++)
            reports.Add(ReceptionReport.Read(p[(8 + i * ReceptionReport.Size)..]));
        return new ReceiverReport { Ssrc = BinaryPrimitives.ReadUInt32BigEndian(p[4..]), Reports = reports };
    }
}
