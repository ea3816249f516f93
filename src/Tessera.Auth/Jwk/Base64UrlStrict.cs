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
        // Every character is checked above, so the framework decoder sees only canonical input.
        var result = new byte[text.Length * 3 / 4];
        var ok = System.Buffers.Text.Base64Url.TryDecodeFromChars(text, result, out var written);
        if (!ok) return null;
        return written == result.Length ? result : result[..written];
    }

    private static bool IsAlphabet(char c) =>
        c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_';
}
