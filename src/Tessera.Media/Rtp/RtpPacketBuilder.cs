using System.Buffers.Binary;

namespace Tessera.Media.Rtp;

/// <summary>Writes an RTP packet: fixed header, CSRCs, RFC 8285 extensions (one- or two-byte form), payload, padding.</summary>
public sealed class RtpPacketBuilder
{
    public bool Marker { get; set; }
    public byte PayloadType { get; set; }
    public ushort SequenceNumber { get; set; }
    public uint Timestamp { get; set; }
    public uint Ssrc { get; set; }
    public List<uint> Csrcs { get; } = new();
    public List<(int Id, byte[] Data)> Extensions { get; } = new();
    /// <summary>Use the two-byte form even when every element would fit the one-byte form.</summary>
    public bool ForceTwoByteExtensions { get; set; }
    public byte[] Payload { get; set; } = [];
    /// <summary>Number of padding bytes to append (0 = none; the last one holds the count).</summary>
    public int PaddingLength { get; set; }

    private bool UseTwoByte => ForceTwoByteExtensions
        || Extensions.Exists(e => e.Id > 14 || e.Data.Length == 0 || e.Data.Length > 16);

    public byte[] ToArray()
    {
        if (Csrcs.Count > 15)
            throw new InvalidOperationException("At most 15 CSRCs.");
        if (PaddingLength is < 0 or > 255)
            throw new InvalidOperationException("Padding is 0-255 bytes.");
        bool twoByte = UseTwoByte;
        int extData = 0;
        foreach (var e in Extensions)
        {
            if (e.Id < 1 || e.Id > 255 || (!twoByte && e.Id > 14) || e.Data.Length > 255)
                throw new InvalidOperationException($"Extension id {e.Id} / length {e.Data.Length} cannot be encoded.");
            extData += (twoByte ? 2 : 1) + e.Data.Length;
        }
        int extPadded = (extData + 3) & ~3;
        int header = 12 + 4 * Csrcs.Count + (Extensions.Count > 0 ? 4 + extPadded : 0);
        var packet = new byte[header + Payload.Length + PaddingLength];
        packet[0] = (byte)(0x80 | (PaddingLength > 0 ? 0x20 : 0) | (Extensions.Count > 0 ? 0x10 : 0) | Csrcs.Count);
        packet[1] = (byte)((Marker ? 0x80 : 0) | (PayloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), Ssrc);
        int at = 12;
        foreach (uint csrc in Csrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(at), csrc);
            at += 4;
        }
        if (Extensions.Count > 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(at), twoByte ? RtpPacket.TwoByteProfile : RtpPacket.OneByteProfile);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(at + 2), (ushort)(extPadded / 4));
            at += 4;
            foreach (var (id, data) in Extensions)
            {
                if (twoByte)
                {
                    packet[at++] = (byte)id;
                    packet[at++] = (byte)data.Length;
                }
                else
                {
                    packet[at++] = (byte)((id << 4) | (data.Length - 1));
                }
                data.CopyTo(packet, at);
                at += data.Length;
            }
            at = header;
        }
        Payload.CopyTo(packet, at);
        if (PaddingLength > 0)
            packet[^1] = (byte)PaddingLength;
        return packet;
    }
}
