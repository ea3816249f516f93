using System.Buffers.Binary;

namespace Tessera.Media.Rtcp;

/// <summary>
/// Generic NACK (RFC 4585 §6.2.1): lost sequence numbers encoded as (PID, BLP) pairs, where bit i
/// of BLP reports PID + i + 1 as lost too.
/// </summary>
public sealed class GenericNack : RtcpPacket
{
    public const int Format = 1;

    public uint SenderSsrc { get; init; }
    public uint MediaSsrc { get; init; }
    public List<ushort> LostSequenceNumbers { get; init; } = new();

    private List<(ushort Pid, ushort Blp)> Pairs()
    {
        var pairs = new List<(ushort, ushort)>();
        int i = 0;
        var lost = LostSequenceNumbers;
        while (i < lost.Count)
        {
            ushort pid = lost[i];
            ushort blp = 0;
            int j = i + 1;
            while (j < lost.Count)
            {
                int delta = (ushort)(lost[j] - pid);
                if (delta < 1 || delta > 16)
                    break;
                blp |= (ushort)(1 << (delta - 1));
                j++;
            }
            pairs.Add((pid, blp));
            i = j;
        }
        return pairs;
    }

    public override int Length => 12 + 4 * Pairs().Count;

    public override void Write(Span<byte> d)
    {
        var pairs = Pairs();
        WriteHeader(d, Format, RtcpPacketType.TransportFeedback);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(d[8..], MediaSsrc);
        for (int k = 0; k < pairs.Count; k++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(d[(12 + 4 * k)..], pairs[k].Pid);
            BinaryPrimitives.WriteUInt16BigEndian(d[(14 + 4 * k)..], pairs[k].Blp);
        }
    }

    internal static GenericNack? Read(ReadOnlySpan<byte> p)
    {
        if (p.Length < 12)
            return null;
        var lost = new List<ushort>();
        for (int at = 12; at + 4 <= p.Length; at += 4)
        {
            ushort pid = BinaryPrimitives.ReadUInt16BigEndian(p[at..]);
            ushort blp = BinaryPrimitives.ReadUInt16BigEndian(p[(at + 2)..]);
            lost.Add(pid);
            for (int b = 0; b < 16; b++)
                if ((blp & (1 << b)) != 0)
                    lost.Add((ushort)(pid + b + 1));
        }
        return new GenericNack
        {
            SenderSsrc = BinaryPrimitives.ReadUInt32BigEndian(p[4..]),
            MediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(p[8..]),
            LostSequenceNumbers = lost,
        };
    }
}
