namespace Tessera.Media.Rtcp;

/// <summary>A packet of a compound this library does not interpret (APP, XR, other feedback); kept verbatim.</summary>
public sealed class UnknownRtcpPacket : RtcpPacket
{
    public UnknownRtcpPacket(byte[] raw) => Raw = raw;

    public byte[] Raw { get; }
    public byte PacketType => Raw[1];
    public int Format => Raw[0] & 0x1F;

    public override int Length => Raw.Length;

    public override void Write(Span<byte> destination) => Raw.CopyTo(destination);
}
