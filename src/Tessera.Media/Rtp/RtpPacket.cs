using System.Buffers.Binary;

namespace Tessera.Media.Rtp;

/// <summary>
/// A parsed view of an RTP packet's header (RFC 3550 §5.1) with offsets into the original buffer;
/// parsing allocates only when extensions are enumerated.
/// </summary>
public readonly struct RtpPacket
{
    public const ushort OneByteProfile = 0xBEDE;
    /// <summary>Two-byte header profile: 0x100 followed by 4 "appbits" (RFC 8285 §4.3).</summary>
    public const ushort TwoByteProfileMask = 0xFFF0;
    public const ushort TwoByteProfile = 0x1000;

    public bool Padding { get; init; }
    public bool HasExtension { get; init; }
    public int CsrcCount { get; init; }
    public bool Marker { get; init; }
    public byte PayloadType { get; init; }
    public ushort SequenceNumber { get; init; }
    public uint Timestamp { get; init; }
    public uint Ssrc { get; init; }
    public ushort ExtensionProfile { get; init; }
    /// <summary>Offset of the extension data (after its 4-byte header) and its length in bytes.</summary>
    public int ExtensionOffset { get; init; }
    public int ExtensionLength { get; init; }
    public int HeaderLength { get; init; }
    public int PayloadLength { get; init; }
    public int PaddingLength { get; init; }

    public int PayloadOffset => HeaderLength;

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpPacket result)
    {
        result = default;
        if (!RtpHeaderLength.TryGet(packet, out int headerLength))
            return false;
        byte b0 = packet[0];
        int csrcCount = b0 & 0x0F;
        bool hasExtension = (b0 & 0x10) != 0;
        bool padding = (b0 & 0x20) != 0;
        int paddingLength = 0;
        if (padding)
        {
            paddingLength = packet[^1];
            if (paddingLength == 0 || headerLength + paddingLength > packet.Length)
                return false;
        }
        int extOffset = 0, extLength = 0;
        ushort profile = 0;
        if (hasExtension)
        {
            int at = RtpHeaderLength.Fixed + 4 * csrcCount;
            profile = BinaryPrimitives.ReadUInt16BigEndian(packet[at..]);
            extOffset = at + 4;
            extLength = headerLength - extOffset;
        }
        result = new RtpPacket
        {
            Padding = padding,
            HasExtension = hasExtension,
            CsrcCount = csrcCount,
            Marker = (packet[1] & 0x80) != 0,
            PayloadType = (byte)(packet[1] & 0x7F),
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            ExtensionProfile = profile,
            ExtensionOffset = extOffset,
            ExtensionLength = extLength,
            HeaderLength = headerLength,
            PaddingLength = paddingLength,
            PayloadLength = packet.Length - headerLength - paddingLength,
        };
        return true;
    }

    public uint GetCsrc(ReadOnlySpan<byte> packet, int index)
    {
        if ((uint)index >= (uint)CsrcCount)
            throw new ArgumentOutOfRangeException(nameof(index));
        return BinaryPrimitives.ReadUInt32BigEndian(packet[(12 + 4 * index)..]);
    }

    public bool IsOneByteExtension => HasExtension && ExtensionProfile == OneByteProfile;
    public bool IsTwoByteExtension => HasExtension && (ExtensionProfile & TwoByteProfileMask) == TwoByteProfile;

    /// <summary>Lists the RFC 8285 extension elements; empty if the extension uses another profile or is malformed.</summary>
    public List<RtpHeaderExtension> GetExtensions(ReadOnlySpan<byte> packet)
    {
        var list = new List<RtpHeaderExtension>();
        if (!HasExtension)
            return list;
        bool oneByte = IsOneByteExtension;
        if (!oneByte && !IsTwoByteExtension)
            return list;
        int at = ExtensionOffset;
        int end = ExtensionOffset + ExtensionLength;
        while (at < end)
        {
            byte first = packet[at];
            if (first == 0) { at++; continue; } // padding between elements
            int id, length, headerSize;
            if (oneByte)
            {
                id = first >> 4;
                if (id == 15)
                    break; // reserved: stop processing (RFC 8285 §4.2)
                length = (first & 0x0F) + 1;
                headerSize = 1;
            }
            else
            {
                if (at + 1 >= end)
                    return [];
                id = first;
                length = packet[at + 1];
                headerSize = 2;
            }
            if (at + headerSize + length > end)
                return [];
            list.Add(new RtpHeaderExtension(id, at + headerSize, length));
            at += headerSize + length;
        }
        return list;
    }
}
