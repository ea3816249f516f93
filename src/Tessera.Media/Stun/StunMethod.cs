namespace Tessera.Media.Stun;

/// <summary>STUN methods this library speaks: Binding for ICE, the rest for TURN (RFC 8656 §17).</summary>
public enum StunMethod : ushort
{
    Binding = 0x001,
    Allocate = 0x003,
    Refresh = 0x004,
    Send = 0x006,
    Data = 0x007,
    CreatePermission = 0x008,
    ChannelBind = 0x009,
}
