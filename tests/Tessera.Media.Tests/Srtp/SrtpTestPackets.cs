using System.Buffers.Binary;
using Tessera.Media.Srtp;

namespace Tessera.Media.Tests.Srtp;

internal static class SrtpTestPackets
{
    public static readonly byte[] MasterKey = Hex.Parse("E1F97A0D3E018BE0D64FA32C06DE4139");
    public static readonly byte[] MasterSalt14 = Hex.Parse("0EC675AD498AFEEBB6960B3AABE6");

    public static (SrtpContext Sender, SrtpContext Receiver) Pair(SrtpProfile profile)
    {
        var salt = MasterSalt14.AsSpan(0, profile.MasterSaltLength());
        return (new SrtpContext(profile, MasterKey, salt), new SrtpContext(profile, MasterKey, salt));
    }

    /// <summary>An RTP packet with one CSRC and a one-byte header extension, in a buffer with room for the tag.</summary>
    public static byte[] MakeRtp(ushort sequence, uint ssrc = 0x11223344, int payloadLength = 160, byte fill = 0xAB)
    {
        var packet = new byte[12 + 4 + 8 + payloadLength];
        packet[0] = 0x80 | 0x10 | 1; // V=2, X, CC=1
        packet[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), sequence * 3000u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), 0xCAFEBABE);
        packet[16] = 0xBE; packet[17] = 0xDE; packet[19] = 1;
        packet[20] = 0x10; packet[21] = 0x42;
        packet.AsSpan(24).Fill(fill);
        return packet;
    }

    public static byte[] MakeRtcp(uint ssrc = 0x55667788)
    {
        // A receiver report with one report block.
        var packet = new byte[32];
        packet[0] = 0x81; packet[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 7);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ssrc);
        for (int i = 8; i < packet.Length; i++)
            packet[i] = (byte)i;
        return packet;
    }

    public static byte[] Protect(SrtpContext ctx, byte[] plain)
    {
        var buffer = new byte[plain.Length + 32];
        plain.CopyTo(buffer, 0);
        int length = ctx.ProtectRtp(buffer, plain.Length);
        return buffer[..length];
    }

    public static byte[] ProtectRtcp(SrtpContext ctx, byte[] plain)
    {
        var buffer = new byte[plain.Length + 32];
        plain.CopyTo(buffer, 0);
        int length = ctx.ProtectRtcp(buffer, plain.Length);
        return buffer[..length];
    }

    public static SrtpStatus Unprotect(SrtpContext ctx, byte[] packet, out byte[] plain)
    {
        var buffer = (byte[])packet.Clone();
        var status = ctx.UnprotectRtp(buffer, buffer.Length, out int length);
        plain = buffer[..length];
        return status;
    }

    public static SrtpStatus UnprotectRtcp(SrtpContext ctx, byte[] packet, out byte[] plain)
    {
        var buffer = (byte[])packet.Clone();
        var status = ctx.UnprotectRtcp(buffer, buffer.Length, out int length);
        plain = buffer[..length];
        return status;
    }
}
