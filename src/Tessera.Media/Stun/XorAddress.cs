using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Tessera.Media.Stun;

/// <summary>
/// XOR-MAPPED-ADDRESS encoding (RFC 8489 §14.2): the port is XORed with the top 16 bits of the
/// magic cookie, an IPv4 address with the cookie, an IPv6 address with cookie || transaction id.
/// </summary>
public static class XorAddress
{
    private const byte FamilyIPv4 = 0x01;
    private const byte FamilyIPv6 = 0x02;

    public static int EncodedLength(IPEndPoint endPoint) =>
        endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? 20 : 8;

    public static void Encode(IPEndPoint endPoint, ReadOnlySpan<byte> transactionId, Span<byte> destination)
    {
        IPAddress address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        bool v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        destination[0] = 0;
        destination[1] = v6 ? FamilyIPv6 : FamilyIPv4;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(endPoint.Port ^ (StunConstants.MagicCookie >> 16)));
        Span<byte> raw = destination.Slice(4, v6 ? 16 : 4);
        address.TryWriteBytes(raw, out _);
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunConstants.MagicCookie);
        transactionId.CopyTo(mask[4..]);
        for (int i = 0; i < raw.Length; i++)
            raw[i] ^= mask[i];
    }

    public static bool TryDecode(ReadOnlySpan<byte> value, ReadOnlySpan<byte> transactionId, out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (value.Length < 8)
            return false;
        byte family = value[1];
        int addressLength = family switch { FamilyIPv4 => 4, FamilyIPv6 => 16, _ => 0 };
        if (addressLength == 0 || value.Length != 4 + addressLength)
            return false;
        int port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (int)(StunConstants.MagicCookie >> 16);
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunConstants.MagicCookie);
        transactionId.CopyTo(mask[4..]);
        Span<byte> raw = stackalloc byte[addressLength];
        for (int i = 0; i < addressLength; i++)
            raw[i] = (byte)(value[4 + i] ^ mask[i]);
        endPoint = new IPEndPoint(new IPAddress(raw), port);
        return true;
    }
}
