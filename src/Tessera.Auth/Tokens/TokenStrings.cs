using System.Security.Cryptography;
using Tessera.Auth.Jwk;

namespace Tessera.Auth.Tokens;

/// <summary>Secret strings for new stateful tokens.</summary>
public static class TokenStrings
{
    /// <summary>
    /// 16 random bytes (128 bits), unpadded base64url: 22 characters. Galène uses 8 bytes; longer
    /// strings resist guessing better, and lookups accept any length, so old tokens keep working.
    /// </summary>
    public static string New() => Base64UrlStrict.Encode(RandomNumberGenerator.GetBytes(16));
}
