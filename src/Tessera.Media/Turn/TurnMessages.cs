using System.Buffers.Binary;
using System.Net;
using Tessera.Media.Stun;

namespace Tessera.Media.Turn;

/// <summary>Reading and writing the TURN attributes of a STUN message.</summary>
internal static class TurnMessages
{
    public static byte[] EncodeAddress(IPEndPoint endPoint, ReadOnlySpan<byte> transactionId)
    {
        var normal = Normalize(endPoint);
        var value = new byte[XorAddress.EncodedLength(normal)];
        XorAddress.Encode(normal, transactionId, value);
        return value;
    }

    public static byte[] Lifetime(TimeSpan lifetime)
    {
        var value = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, (uint)lifetime.TotalSeconds);
        return value;
    }

    /// <summary>LIFETIME in seconds, when present and well formed.</summary>
    public static uint? RequestedLifetime(StunMessage message) =>
        message.TryGetAttribute(TurnAttributeType.Lifetime, out var v) && v.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(v) : null;

    /// <summary>Every XOR-PEER-ADDRESS (CreatePermission may carry several); null when one is malformed.</summary>
    public static List<IPEndPoint>? PeerAddresses(StunMessage message)
    {
        var peers = new List<IPEndPoint>();
        foreach (var attribute in message.Attributes)
        {
            if (attribute.Type == StunAttributeType.MessageIntegrity)
                break; // what follows is not covered by the integrity check
            if (attribute.Type != TurnAttributeType.XorPeerAddress)
                continue;
            var value = message.Raw.Slice(attribute.ValueOffset, attribute.ValueLength);
            if (!XorAddress.TryDecode(value, message.TransactionId, out var peer))
                return null;
            peers.Add(peer!);
        }
        return peers;
    }

    public static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    /// <summary>Comprehension-required attributes a TURN request may carry that this server understands.</summary>
    public static bool IsUnderstood(ushort type) => type switch
    {
        StunAttributeType.Username or StunAttributeType.MessageIntegrity or StunAttributeType.ErrorCode
            or StunAttributeType.XorMappedAddress or TurnAttributeType.ChannelNumber or TurnAttributeType.Lifetime
            or TurnAttributeType.XorPeerAddress or TurnAttributeType.Data or TurnAttributeType.Realm
            or TurnAttributeType.Nonce or TurnAttributeType.RequestedAddressFamily or TurnAttributeType.RequestedTransport
            => true,
        _ => !StunAttributeType.IsComprehensionRequired(type),
    };
}
