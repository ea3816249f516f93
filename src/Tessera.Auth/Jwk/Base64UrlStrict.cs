namespace Tessera.Auth.Jwk;

/// <summary>
/// Unpadded base64url (RFC 7515 §2) with no tolerance: no padding, no whitespace, no '+' or '/'.
/// The framework decoders accept padding and skip whitespace, which JOSE forbids.
/// </summary>
public static class Base64UrlStrict
{
    public static string Encode(ReadOnlySpan<byte> data) => System.Buffers.Text.Base64Url.EncodeToString(data);

    /// <summary>Decodes, or returns null when the text is not unpadded base64url.</summary>
    public static byte[]? TryDecode(ReadOnlySpan<char> text)
    {
        if (text.Length % 4 == 1) return null;
        foreach (var c in text)
        {
            if (!IsAlphabet(c)) return null;
        }
        var result = new byte[text.Length * 3 / 4];
        bool ok;
        int written;
        try
        {
            ok = System.Buffers.Text.Base64Url.TryDecodeFromChars(text, result, out written);
        }
        catch (FormatException)
        {
            // Non-zero unused bits in the last character: not the canonical encoding of any bytes.
            return null;
        }
        if (!ok) return null;
        return written == result.Length ? result : result[..written];
    }

    /// <summary>
    /// True when the text uses only the alphabet at a possible length but its last character
    /// carries non-zero unused bits: a lenient decoder would read the same bytes as for another
    /// text, so such a signature must never verify.
    /// </summary>
    public static bool IsNonCanonical(ReadOnlySpan<char> text)
    {
        if (text.Length % 4 == 1) return false;
        foreach (var c in text)
            if (!IsAlphabet(c)) return false;
        return TryDecode(text) is null;
    }

    private static bool IsAlphabet(char c) =>
        c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_';
}
