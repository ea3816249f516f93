using System.Buffers.Binary;
using System.Text;

namespace Tessera.Media.Rtcp;

/// <summary>BYE (RFC 3550 §6.6).</summary>
public sealed class Goodbye : RtcpPacket
{
    public List<uint> Ssrcs { get; init; } = new();
    public string? Reason { get; init; }

    private int ReasonBytes => Reason is null ? 0 : Math.Min(255, Encoding.UTF8.GetByteCount(Reason));

    public override int Length => (4 + 4 * Ssrcs.Count + (Reason is null ? 0 : 1 + ReasonBytes) + 3) & ~3;

    public override void Write(Span<byte> d)
    {
        WriteHeader(d, Ssrcs.Count, RtcpPacketType.Goodbye);
        int at = 4;
        foreach (uint s in Ssrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(d[at..], s);
            at += 4;
        }
        if (Reason is not null)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(Reason);
            d[at++] = (byte)ReasonBytes;
            bytes.AsSpan(0, ReasonBytes).CopyTo(d[at..]);
            at += ReasonBytes;
        }
        d[at..Length].Clear();
    }

    internal static Goodbye? Read(ReadOnlySpan<byte> p, int count)
    {
        if (p.Length < 4 + 4 * count)
            return null;
        var ssrcs = new List<uint>(count);
        for (int i = 0; i < count; i++)
            ssrcs.Add(BinaryPrimitives.ReadUInt32BigEndian(p[(4 + 4 * i)..]));
        int at = 4 + 4 * count;
        string? reason = null;
        if (at < p.Length)
        {
            int len = p[at];
            if (at + 1 + len > p.Length)
                return null;
            reason = Encoding.UTF8.GetString(p.Slice(at + 1, len));
        }
        return new Goodbye { Ssrcs = ssrcs, Reason = reason };
    }
}
