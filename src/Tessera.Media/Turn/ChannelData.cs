using System.Buffers.Binary;

namespace Tessera.Media.Turn;

/// <summary>
/// The ChannelData message (RFC 8656 §12.4): a 2-byte channel number, a 2-byte length, the data.
/// Over UDP the datagram may carry padding after the data; over a stream it is padded to 4 bytes.
/// </summary>
public static class ChannelData
{
    public const int HeaderLength = 4;
    public const ushort MinChannel = 0x4000;
    public const ushort MaxChannel = 0x4FFF;

    /// <summary>First byte 0x40–0x4F: a ChannelData message rather than STUN (which starts 0x00–0x03).</summary>
    public static bool IsChannelData(ReadOnlySpan<byte> message) => message.Length >= 1 && message[0] is >= 0x40 and <= 0x4F;

    public static bool IsValidChannel(int channel) => channel is >= MinChannel and <= MaxChannel;

    /// <summary>Splits a received message; false when it is too short for the length it declares.</summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out ushort channel, out int dataLength)
    {
        channel = 0;
        dataLength = 0;
        if (message.Length < HeaderLength)
            return false;
        channel = BinaryPrimitives.ReadUInt16BigEndian(message);
        dataLength = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        return IsValidChannel(channel) && HeaderLength + dataLength <= message.Length;
    }

    public static void WriteHeader(Span<byte> destination, ushort channel, int dataLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, channel);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)dataLength);
    }

    /// <summary>Bytes a stream transport adds after the data so the next message starts 4-aligned.</summary>
    public static int StreamPadding(int dataLength) => (4 - (dataLength & 3)) & 3;
}
