using System.Buffers.Binary;

namespace Tessera.Media.Rtcp;

/// <summary>FIR (RFC 5104 §4.3.1): per target SSRC a command sequence number; a new number means a new request.</summary>
public sealed class FullIntraRequest : RtcpPacket
{
    public const int Format = 4;

    public uint SenderSsrc { get; init; }
    public List<(uint Ssrc, byte SequenceNumber)> Entries { get; init; } = new();

    public override int Length => 12 + 8 * Entries.Count;

    public override void Write(Span<byte> d)
    {
        WriteHeader(d, Format, RtcpPacketType.PayloadFeedback);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(d[8..], 0); // media source SSRC unused (RFC 5104 §4.3.1.2)
        for (int i = 0; i < Entries.Count; i++)
        {
            var at = d[(12 + 8 * i)..];
            BinaryPrimitives.WriteUInt32BigEndian(at, Entries[i].Ssrc);
            at[4] = Entries[i].SequenceNumber;
            at[5..8].Clear();
        }
    }

    internal static FullIntraRequest? Read(ReadOnlySpan<byte> p)
    {
        if (p.Length < 12)
            return null;
        var entries = new List<(uint, byte)>();
        for (int at = 12; at + 8 <= p.Length; at += 8)
            entries.Add((BinaryPrimitives.ReadUInt32BigEndian(p[at..]), p[at + 4]));
        return new FullIntraRequest { SenderSsrc = BinaryPrimitives.ReadUInt32BigEndian(p[4..]), Entries = entries };
    }
}
