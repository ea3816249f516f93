namespace Tessera.Media.Stun;

/// <summary>Where one attribute sits inside a parsed message: its type and value range.</summary>
public readonly record struct StunAttribute(ushort Type, int ValueOffset, int ValueLength)
{
    /// <summary>Offset of the 4-byte attribute header.</summary>
    public int HeaderOffset => ValueOffset - 4;
}
