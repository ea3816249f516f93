using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.AuthServer.Oidc;

/// <summary>Proof Key for Code Exchange (RFC 7636) with S256, and the other random values of a sign-in.</summary>
public static class Pkce
{
    /// <summary>32 random bytes, base64url: 43 characters, as RFC 7636 §4.1 recommends for the verifier.</summary>
    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
