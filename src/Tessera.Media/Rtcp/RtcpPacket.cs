using System.Buffers.Binary;

namespace Tessera.Media.Rtcp;

/// <summary>One packet of an RTCP compound packet. <see cref="Write"/> emits the common header too.</summary>
public abstract class RtcpPacket
{
    /// <summary>Bytes this packet occupies on the wire (a multiple of 4).</summary>
    public abstract int Length { get; }

    public abstract void Write(Span<byte> destination);

    /// <summary>Writes V=2, P=0, the count/FMT field, the packet type and the length in 32-bit words minus one.</summary>
    protected void WriteHeader(Span<byte> destination, int countOrFormat, byte packetType)
    {
        destination[0] = (byte)(0x80 | (countOrFormat & 0x1F));
        destination[1] = packetType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(Length / 4 - 1));
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        Write(bytes);
        return bytes;
    }
}
