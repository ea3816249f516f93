using System.Text.Json;

namespace Tessera.Auth.Jwk;

/// <summary>
/// The imported, ready-to-use form of a JWK for one algorithm. Built once per key so that
/// verification never re-imports (key import costs far more than an HMAC or even an RSA verify).
/// </summary>
internal abstract class KeyMaterial
{
    public abstract bool IsPrivate { get; }

    /// <summary>Checks a signature over <paramref name="data"/>; any malformed signature is simply false.</summary>
    public abstract bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>Signs with the private part; callers check <see cref="IsPrivate"/> first.</summary>
    public abstract byte[] Sign(ReadOnlySpan<byte> data);
}
