namespace Tessera.Media.Sdp;

/// <summary>An "a=name" or "a=name:value" line (RFC 8866 §5.13).</summary>
public sealed record SdpAttribute(string Name, string? Value = null)
{
    public override string ToString() => Value is null ? $"a={Name}" : $"a={Name}:{Value}";

    public static SdpAttribute Parse(string text)
    {
        int colon = text.IndexOf(':');
        return colon < 0 ? new SdpAttribute(text) : new SdpAttribute(text[..colon], text[(colon + 1)..]);
    }
}
