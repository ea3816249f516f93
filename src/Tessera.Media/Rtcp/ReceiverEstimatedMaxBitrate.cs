using System.Buffers.Binary;

namespace Tessera.Media.Rtcp;

/// <summary>
/// REMB (draft-alvestrand-rmcat-remb §2.2): application-layer feedback (PSFB FMT 15) with the
/// identifier "REMB", a bitrate as 6-bit exponent and 18-bit mantissa, and the SSRCs it applies to.
/// </summary>
public sealed class ReceiverEstimatedMaxBitrate : RtcpPacket
{
    public const int Format = 15;
    private const uint Identifier = 0x52454D42; // "REMB"

    public uint SenderSsrc { get; init; }
    /// <summary>Bits per second; encoding rounds down to what mantissa × 2^exp can express.</summary>
    public ulong Bitrate { get; init; }
    public List<uint> Ssrcs { get; init; } = new();

    public override int Length => 20 + 4 * Ssrcs.Count;

    public override void Write(Span<byte> d)
    {
        if (Ssrcs.Count > 255)
            throw new InvalidOperationException("REMB carries at most 255 SSRCs.");
        WriteHeader(d, Format, RtcpPacketType.PayloadFeedback);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(d[8..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(d[12..], Identifier);
        int exp = 0;
        ulong mantissa = Bitrate;
        while (mantissa > 0x3FFFF)
        {
            mantissa >>= 1;
            exp++;
        }
        if (exp > 63)
            throw new InvalidOperationException("Bitrate too large for REMB.");
        BinaryPrimitives.WriteUInt32BigEndian(d[16..], ((uint)Ssrcs.Count << 24) | ((uint)exp << 18) | (uint)mantissa);
        for (int i = 0; i < Ssrcs.Count; i++)
            BinaryPrimitives.WriteUInt32BigEndian(d[(20 + 4 * i)..], Ssrcs[i]);
    }

    internal static bool Matches(ReadOnlySpan<byte> p) =>
        p.Length >= 20 && BinaryPrimitives.ReadUInt32BigEndian(p[12..]) == Identifier;

    internal static ReceiverEstimatedMaxBitrate? Read(ReadOnlySpan<byte> p)
    {
        uint word = BinaryPrimitives.ReadUInt32BigEndian(p[16..]);
        int count = (int)(word >> 24);
        int exp = (int)((word >> 18) & 0x3F);
        ulong mantissa = word & 0x3FFFF;
        if (p.Length < 20 + 4 * count)
            return null;
        var ssrcs = new List<uint>(count);
        for (int i = 0; i < count; i++)
            ssrcs.Add(BinaryPrimitives.ReadUInt32BigEndian(p[(20 + 4 * i)..]));
        ulong bitrate = exp >= 46 && mantissa != 0 ? ulong.MaxValue : mantissa << exp;
        return new ReceiverEstimatedMaxBitrate
        {
            SenderSsrc = BinaryPrimitives.ReadUInt32BigEndian(p[4..]),
            Bitrate = bitrate,
            Ssrcs = ssrcs,
        };
    }
}
