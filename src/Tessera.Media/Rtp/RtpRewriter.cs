using System.Buffers.Binary;

namespace Tessera.Media.Rtp;

/// <summary>In-place edits of an RTP header, used when forwarding one source's packets to a receiver.</summary>
public static class RtpRewriter
{
    public static void SetSsrc(Span<byte> packet, uint ssrc) => BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);

    /// <summary>Changes the payload type and keeps the marker bit.</summary>
    public static void SetPayloadType(Span<byte> packet, byte payloadType) =>
        packet[1] = (byte)((packet[1] & 0x80) | (payloadType & 0x7F));

    public static void SetMarker(Span<byte> packet, bool marker) =>
        packet[1] = (byte)(marker ? packet[1] | 0x80 : packet[1] & 0x7F);

    public static void SetSequenceNumber(Span<byte> packet, ushort sequence) =>
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], sequence);

    public static void SetTimestamp(Span<byte> packet, uint timestamp) =>
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], timestamp);

    public static ushort GetSequenceNumber(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
    public static uint GetTimestamp(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
    public static uint GetSsrc(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
    public static byte GetPayloadType(ReadOnlySpan<byte> packet) => (byte)(packet[1] & 0x7F);

    /// <summary>
    /// Removes header extension elements whose id is not in <paramref name="keep"/> (ids 1–255), compacting
    /// the packet in place; drops the whole extension block when nothing remains. Returns the new length,
    /// or -1 if the packet is not valid RTP.
    /// </summary>
    public static int StripExtensions(Span<byte> packet, int length, ReadOnlySpan<bool> keep)
    {
        if (!RtpPacket.TryParse(packet[..length], out var rtp))
            return -1;
        if (!rtp.HasExtension)
            return length;
        bool oneByte = rtp.IsOneByteExtension;
        if (!oneByte && !rtp.IsTwoByteExtension)
            return length; // a non-RFC 8285 extension: leave it alone
        int blockStart = rtp.ExtensionOffset - 4;
        int end = rtp.ExtensionOffset + rtp.ExtensionLength;
        int headerSize = oneByte ? 1 : 2;
        // Walk the elements and move kept ones towards the start; the writer never overtakes the reader.
        int read = rtp.ExtensionOffset;
        int write = rtp.ExtensionOffset;
        while (read < end)
        {
            byte first = packet[read];
            if (first == 0)
            {
                read++; // padding
                continue;
            }
            int id, dataLength;
            if (oneByte)
            {
                id = first >> 4;
                if (id == 15)
                    break;
                dataLength = (first & 0x0F) + 1;
            }
            else
            {
                if (read + 1 >= end)
                    return -1;
                id = first;
                dataLength = packet[read + 1];
            }
            int elementLength = headerSize + dataLength;
            if (read + elementLength > end)
                return -1;
            if (id < keep.Length && keep[id])
            {
                packet.Slice(read, elementLength).CopyTo(packet[write..]);
                write += elementLength;
            }
            read += elementLength;
        }
        int dataTotal = write - rtp.ExtensionOffset;
        int payloadStart = rtp.HeaderLength;
        int tailLength = length - payloadStart;
        if (dataTotal == 0)
        {
            packet.Slice(payloadStart, tailLength).CopyTo(packet[blockStart..]);
            packet[0] &= 0xEF; // clear X
            return blockStart + tailLength;
        }
        int padded = (dataTotal + 3) & ~3;
        packet.Slice(write, padded - dataTotal).Clear();
        BinaryPrimitives.WriteUInt16BigEndian(packet[(blockStart + 2)..], (ushort)(padded / 4));
        int newPayloadStart = rtp.ExtensionOffset + padded;
        packet.Slice(payloadStart, tailLength).CopyTo(packet[newPayloadStart..]);
        return newPayloadStart + tailLength;
    }
}
