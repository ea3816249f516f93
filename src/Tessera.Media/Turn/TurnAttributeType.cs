namespace Tessera.Media.Turn;

/// <summary>Attribute type codes TURN adds to STUN (RFC 8656 §18).</summary>
public static class TurnAttributeType
{
    public const ushort ChannelNumber = 0x000C;
    public const ushort Lifetime = 0x000D;
    public const ushort XorPeerAddress = 0x0012;
    public const ushort Data = 0x0013;
    public const ushort Realm = 0x0014;
    public const ushort Nonce = 0x0015;
    public const ushort XorRelayedAddress = 0x0016;
    public const ushort RequestedAddressFamily = 0x0017;
    public const ushort EvenPort = 0x0018;
    public const ushort RequestedTransport = 0x0019;
    public const ushort DontFragment = 0x001A;
    public const ushort ReservationToken = 0x0022;

    /// <summary>REQUESTED-TRANSPORT's protocol number for UDP, the only one a relay may ask for (RFC 8656 §18.11).</summary>
    public const byte UdpProtocol = 17;
}
