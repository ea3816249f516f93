namespace Tessera.Media.Stun;

/// <summary>STUN methods this library speaks (only Binding is needed for ICE).</summary>
public enum StunMethod : ushort
{
    Binding = 0x001,
}
