using System.Buffers.Binary;

namespace Tessera.Media.Rtcp;

/// <summary>PLI (RFC 4585 §6.3.1): asks the sender of <see cref="MediaSsrc"/> for a keyframe.</summary>
public sealed class PictureLossIndication : RtcpPacket
{
    public const int Format = 1;

    public uint SenderSsrc { get; init; }
    public uint MediaSsrc { get; init; }

    public override int Length => 12;

    public override void Write(Span<byte> d)
    {
        WriteHeader(d, Format, RtcpPacketType.PayloadFeedback);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(d[8..], MediaSsrc);
    }

    internal static PictureLossIndication? Read(ReadOnlySpan<byte> p) => p.Length < 12 ? null : new PictureLossIndication
    {
        SenderSsrc = BinaryPrimitives.ReadUInt32BigEndian(p[4..]),
        MediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(p[8..]),
    };
}
