using System.Security.Cryptography;

namespace Tessera.Auth.Jwk;

/// <summary>How a signature is computed; each family has its own key type.</summary>
public enum JwsAlgorithmFamily
{
    Hmac,
    Ecdsa,
    RsaPkcs1,
    RsaPss,
    EdDsa,
}

/// <summary>
/// One JWS algorithm this server can verify, with the key type it needs (auth.md §5.2 and its
/// "Beyond Galène" additions). A key is only ever used with the algorithm it declares.
/// </summary>
public sealed class JwsAlgorithm
{
    private JwsAlgorithm(string name, string keyType, JwsAlgorithmFamily family, HashAlgorithmName hash,
                         int hmacKeyLength = 0, string? curve = null, int curveFieldBytes = 0)
    {
        Name = name;
        KeyType = keyType;
        Family = family;
        Hash = hash;
        HmacKeyLength = hmacKeyLength;
        Curve = curve;
        CurveFieldBytes = curveFieldBytes;
    }

    public string Name { get; }

    /// <summary>The JWK <c>kty</c> a key for this algorithm must have.</summary>
    public string KeyType { get; }

    public JwsAlgorithmFamily Family { get; }

    /// <summary>Digest used by the algorithm (unused for EdDSA).</summary>
    public HashAlgorithmName Hash { get; }

    /// <summary>Exact HMAC key length in bytes (HS*), else 0.</summary>
    public int HmacKeyLength { get; }

    /// <summary>JWK <c>crv</c> for EC and OKP keys.</summary>
    public string? Curve { get; }

    /// <summary>Bytes per coordinate (and per R, S half of an ECDSA signature).</summary>
    public int CurveFieldBytes { get; }

    public static readonly JwsAlgorithm HS256 = new("HS256", "oct", JwsAlgorithmFamily.Hmac, HashAlgorithmName.SHA256, hmacKeyLength: 32);
    public static readonly JwsAlgorithm HS384 = new("HS384", "oct", JwsAlgorithmFamily.Hmac, HashAlgorithmName.SHA384, hmacKeyLength: 48);
    public static readonly JwsAlgorithm HS512 = new("HS512", "oct", JwsAlgorithmFamily.Hmac, HashAlgorithmName.SHA512, hmacKeyLength: 64);
    public static readonly JwsAlgorithm ES256 = new("ES256", "EC", JwsAlgorithmFamily.Ecdsa, HashAlgorithmName.SHA256, curve: "P-256", curveFieldBytes: 32);
    public static readonly JwsAlgorithm ES384 = new("ES384", "EC", JwsAlgorithmFamily.Ecdsa, HashAlgorithmName.SHA384, curve: "P-384", curveFieldBytes: 48);
    public static readonly JwsAlgorithm ES512 = new("ES512", "EC", JwsAlgorithmFamily.Ecdsa, HashAlgorithmName.SHA512, curve: "P-521", curveFieldBytes: 66);
    public static readonly JwsAlgorithm RS256 = new("RS256", "RSA", JwsAlgorithmFamily.RsaPkcs1, HashAlgorithmName.SHA256);
    public static readonly JwsAlgorithm RS384 = new("RS384", "RSA", JwsAlgorithmFamily.RsaPkcs1, HashAlgorithmName.SHA384);
    public static readonly JwsAlgorithm RS512 = new("RS512", "RSA", JwsAlgorithmFamily.RsaPkcs1, HashAlgorithmName.SHA512);
    public static readonly JwsAlgorithm PS256 = new("PS256", "RSA", JwsAlgorithmFamily.RsaPss, HashAlgorithmName.SHA256);
    public static readonly JwsAlgorithm PS384 = new("PS384", "RSA", JwsAlgorithmFamily.RsaPss, HashAlgorithmName.SHA384);
    public static readonly JwsAlgorithm PS512 = new("PS512", "RSA", JwsAlgorithmFamily.RsaPss, HashAlgorithmName.SHA512);
    public static readonly JwsAlgorithm EdDSA = new("EdDSA", "OKP", JwsAlgorithmFamily.EdDsa, default, curve: "Ed25519", curveFieldBytes: 32);

    /// <summary>Every algorithm a key may declare, in a stable order.</summary>
    public static IReadOnlyList<JwsAlgorithm> All { get; } =
        [HS256, HS384, HS512, ES256, ES384, ES512, RS256, RS384, RS512, PS256, PS384, PS512, EdDSA];

    private static readonly Dictionary<string, JwsAlgorithm> ByName = All.ToDictionary(a => a.Name, StringComparer.Ordinal);

    /// <summary>
    /// Names a JWT header may carry without being malformed (auth.md §5.1): the supported set plus
    /// <c>none</c>, which is registered but never verifies because no key can declare it.
    /// </summary>
    private static readonly HashSet<string> Registered = new(ByName.Keys.Append("none"), StringComparer.Ordinal);

    /// <summary>Exact, case-sensitive lookup of a supported algorithm.</summary>
    public static bool TryGet(string? name, out JwsAlgorithm algorithm)
    {
        algorithm = null!;
        return name is not null && ByName.TryGetValue(name, out algorithm!);
    }

    /// <summary>True for names the JWT layer recognises (supported ones and <c>none</c>).</summary>
    public static bool IsRegistered(string? name) => name is not null && Registered.Contains(name);

    public override string ToString() => Name;
}
