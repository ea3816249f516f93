namespace Tessera.Media.Recording;

/// <summary>
/// AV1 open bitstream units (AV1 specification §5.3): a one-byte header (type, extension flag,
/// size flag), an optional extension byte, an optional LEB128 payload size, the payload.
/// </summary>
public static class Av1Obu
{
    public const int SequenceHeader = 1;
    public const int TemporalDelimiter = 2;
    public const int FrameHeader = 3;
    public const int Frame = 6;
    public const int TileList = 8;
    public const int Padding = 15;

    public static int TypeOf(byte header) => (header >> 3) & 0x0F;

    /// <summary>Reads an unsigned LEB128 of at most 8 bytes into 32 bits; false when cut short or too large.</summary>
    public static bool TryReadLeb128(ReadOnlySpan<byte> bytes, out int value, out int length)
    {
        ulong v = 0;
        for (int i = 0; i < 8 && i < bytes.Length; i++)
        {
            v |= (ulong)(bytes[i] & 0x7F) << (7 * i);
            if ((bytes[i] & 0x80) == 0)
            {
                length = i + 1;
                value = (int)v;
                return v <= int.MaxValue;
            }
        }
        value = length = 0;
        return false;
    }

    public static int Leb128Length(int value)
    {
        int length = 1;
        for (uint v = (uint)value; v >= 0x80; v >>= 7)
            length++;
        return length;
    }

    public static int WriteLeb128(Span<byte> into, int value)
    {
        int at = 0;
        uint v = (uint)value;
        do
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            into[at++] = v != 0 ? (byte)(b | 0x80) : b;
        }
        while (v != 0);
        return at;
    }

    /// <summary>
    /// Splits one OBU (with or without its size field) into header and payload. The OBU's bytes may
    /// run past a size field's end (the rest is not part of it); false when malformed.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> obu, out int type, out int headerLength, out int payloadStart, out int payloadLength)
    {
        type = headerLength = payloadStart = payloadLength = 0;
        if (obu.Length < 1 || (obu[0] & 0x80) != 0) // the forbidden bit
            return false;
        type = TypeOf(obu[0]);
        headerLength = (obu[0] & 0x04) != 0 ? 2 : 1;
        if (obu.Length < headerLength)
            return false;
        payloadStart = headerLength;
        if ((obu[0] & 0x02) == 0)
        {
            payloadLength = obu.Length - headerLength;
            return true;
        }
        if (!TryReadLeb128(obu[headerLength..], out payloadLength, out int sizeLength))
            return false;
        payloadStart += sizeLength;
        return payloadLength <= obu.Length - payloadStart;
    }
}
