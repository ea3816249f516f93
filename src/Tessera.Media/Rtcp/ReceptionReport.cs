using System.Buffers.Binary;

namespace Tessera.Media.Rtcp;

/// <summary>A report block of SR/RR (RFC 3550 §6.4.1).</summary>
public sealed record ReceptionReport
{
    public const int Size = 24;

    public uint Ssrc { get; init; }
    /// <summary>Fraction of packets lost since the last report, in 1/256.</summary>
    public byte FractionLost { get; init; }
    /// <summary>Cumulative number of packets lost (24-bit signed).</summary>
    public int CumulativeLost { get; init; }
    public uint HighestSequence { get; init; }
    public uint Jitter { get; init; }
    public uint LastSenderReport { get; init; }
    public uint DelaySinceLastSenderReport { get; init; }

    internal void Write(Span<byte> d)
    {
        BinaryPrimitives.WriteUInt32BigEndian(d, Ssrc);
        int lost = Math.Clamp(CumulativeLost, -0x800000, 0x7FFFFF);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], ((uint)FractionLost << 24) | ((uint)lost & 0xFFFFFF));
        BinaryPrimitives.WriteUInt32BigEndian(d[8..], HighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(d[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(d[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(d[20..], DelaySinceLastSenderReport);
    }

    internal static ReceptionReport Read(ReadOnlySpan<byte> s)
    {
        uint word = BinaryPrimitives.ReadUInt32BigEndian(s[4..]);
        int lost = (int)(word & 0xFFFFFF);
        if ((lost & 0x800000) != 0)
            lost |= unchecked((int)0xFF000000); // sign-extend 24 bits
        return new ReceptionReport
        {
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(s),
            FractionLost = (byte)(word >> 24),
            CumulativeLost = lost,
            HighestSequence = BinaryPrimitives.ReadUInt32BigEndian(s[8..]),
            Jitter = BinaryPrimitives.ReadUInt32BigEndian(s[12..]),
            LastSenderReport = BinaryPrimitives.ReadUInt32BigEndian(s[16..]),
            DelaySinceLastSenderReport = BinaryPrimitives.ReadUInt32BigEndian(s[20..]),
        };
    }
}
