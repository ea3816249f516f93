using System.Buffers.Binary;

namespace Tessera.Media.Rtp;

/// <summary>Finds where the payload of an RTP packet starts, without allocating (RFC 3550 §5.1, §5.3.1).</summary>
public static class RtpHeaderLength
{
    public const int Fixed = 12;

    public static bool TryGet(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < Fixed || (packet[0] >> 6) != 2)
            return false;
        int length = Fixed + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4)
                return false;
            length += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]);
        }
        if (length > packet.Length)
            return false;
        headerLength = length;
        return true;
    }
}
