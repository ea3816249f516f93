using System.Security.Cryptography;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Parameters;

namespace Tessera.Auth.Jwk;

/// <summary>
/// Reads JWKs (RFC 7517/7518/8037) for the algorithms of <see cref="JwsAlgorithm"/>, public or
/// private. Every key must declare <c>kty</c> and <c>alg</c>, consistent with each other.
/// </summary>
public static class JsonWebKeyParser
{
    private const int MinimumRsaModulusBits = 2048;
    private const int MaximumRsaExponentBytes = 8;

    internal static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    /// <summary>Parses a JWK given as JSON text.</summary>
    /// <exception cref="JwkFormatException">Not a usable key.</exception>
    public static JsonWebKey Parse(string json)
    {
        var key = ParseLenient(json);
        return key.IsValid ? key : throw new JwkFormatException(key.Problem!);
    }

    /// <summary>Parses a JWK given as a JSON value (e.g. one element of a group's <c>authKeys</c>).</summary>
    /// <exception cref="JwkFormatException">Not a usable key.</exception>
    public static JsonWebKey Parse(JsonElement element)
    {
        var key = ParseLenient(element);
        return key.IsValid ? key : throw new JwkFormatException(key.Problem!);
    }

    public static bool TryParse(string json, out JsonWebKey key)
    {
        key = ParseLenient(json);
        return key.IsValid;
    }

    /// <summary>
    /// Never throws: an unusable key comes back with <see cref="JsonWebKey.Problem"/> set, keeping
    /// its <c>alg</c> and <c>kid</c> so that a token selecting it fails (auth.md §5.3 step 3).
    /// </summary>
    public static JsonWebKey ParseLenient(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, StrictJson);
            return ParseLenient(document.RootElement);
        }
        catch (JsonException e)
        {
            return new JsonWebKey(json, null, null, null, null, null, "not valid JSON: " + e.Message);
        }
    }

    /// <inheritdoc cref="ParseLenient(string)"/>
    public static JsonWebKey ParseLenient(JsonElement element)
    {
        var json = element.GetRawText();
        if (element.ValueKind != JsonValueKind.Object)
            return new JsonWebKey(json, null, null, null, null, null, "a JWK must be a JSON object");

        var kty = StringMember(element, "kty");
        var alg = StringMember(element, "alg");
        var kid = StringMember(element, "kid");
        if (kid == "") kid = null;

        JwsAlgorithm? algorithm = null;
        KeyMaterial? material = null;
        string? problem;
        if (kty is null) problem = "missing or non-string kty";
        else if (alg is null) problem = "missing or non-string alg";
        else if (!JwsAlgorithm.TryGet(alg, out algorithm)) problem = $"unsupported alg '{alg}'";
        else if (algorithm.KeyType != kty) problem = $"kty '{kty}' does not match alg '{alg}'";
        else
        {
            try
            {
                material = algorithm.Family switch
                {
                    JwsAlgorithmFamily.Hmac => ReadHmac(element, algorithm),
                    JwsAlgorithmFamily.Ecdsa => ReadEc(element, algorithm),
                    JwsAlgorithmFamily.RsaPkcs1 or JwsAlgorithmFamily.RsaPss => ReadRsa(element, algorithm),
                    JwsAlgorithmFamily.EdDsa => ReadEd25519(element),
                    _ => throw new JwkFormatException($"unsupported alg '{alg}'"),
                };
                problem = null;
            }
            catch (JwkFormatException e)
            {
                problem = e.Message;
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                problem = "key rejected by the crypto provider: " + e.Message;
            }
        }
        return new JsonWebKey(json, kty, alg, kid, algorithm, material, problem);
    }

    private static string? StringMember(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? OptionalBytes(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String) throw new JwkFormatException($"member '{name}' must be a string");
        return Base64UrlStrict.TryDecode(value.GetString()!)
               ?? throw new JwkFormatException($"member '{name}' is not unpadded base64url");
    }

    private static byte[] RequiredBytes(JsonElement obj, string name) =>
        OptionalBytes(obj, name) ?? throw new JwkFormatException($"missing member '{name}'");

    private static HmacKeyMaterial ReadHmac(JsonElement obj, JwsAlgorithm algorithm)
    {
        var k = RequiredBytes(obj, "k");
        if (k.Length != algorithm.HmacKeyLength)
            throw new JwkFormatException($"{algorithm} needs a key of exactly {algorithm.HmacKeyLength} bytes, not {k.Length}");
        return new HmacKeyMaterial(algorithm, k);
    }

    private static EcKeyMaterial ReadEc(JsonElement obj, JwsAlgorithm algorithm)
    {
        var crv = StringMember(obj, "crv");
        if (crv != algorithm.Curve) throw new JwkFormatException($"{algorithm} needs crv '{algorithm.Curve}'");
        var size = algorithm.CurveFieldBytes;
        // RFC 7518 wants full-length values, but issuers that strip leading zero bytes exist and
        // Galène accepts them, so shorter values are padded; longer ones are refused.
        var x = LeftPad(RequiredBytes(obj, "x"), size, $"{crv} coordinates must be at most {size} bytes");
        var y = LeftPad(RequiredBytes(obj, "y"), size, $"{crv} coordinates must be at most {size} bytes");
        if (!NistCurves.IsOnCurve(algorithm.Curve!, x, y)) throw new JwkFormatException($"the point is not on {crv}");
        var d = OptionalBytes(obj, "d");
        if (d is not null) d = LeftPad(d, size, $"{crv} private key must be at most {size} bytes");
        var parameters = new ECParameters { Curve = NistCurves.Named(algorithm.Curve!), Q = new ECPoint { X = x, Y = y }, D = d };
        return new EcKeyMaterial(algorithm, parameters);
    }

    private static RsaKeyMaterial ReadRsa(JsonElement obj, JwsAlgorithm algorithm)
    {
        var n = TrimLeadingZeros(RequiredBytes(obj, "n"));
        var e = TrimLeadingZeros(RequiredBytes(obj, "e"));
        if (n.Length == 0) throw new JwkFormatException("RSA modulus is zero");
        var bits = (n.Length - 1) * 8 + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)n[0]));
        if (bits < MinimumRsaModulusBits)
            throw new JwkFormatException($"RSA modulus of {bits} bits is below the minimum of {MinimumRsaModulusBits}");
        if (e.Length == 0 || e.Length > MaximumRsaExponentBytes)
            throw new JwkFormatException($"RSA exponent must be 1 to {MaximumRsaExponentBytes} bytes");
        // e = 1 or an even e is not RSA at all (e = 1 would make every signature forgeable).
        if ((e[^1] & 1) == 0 || (e.Length == 1 && e[0] < 3)) throw new JwkFormatException("RSA exponent must be odd and at least 3");

        var parameters = new RSAParameters { Modulus = n, Exponent = e };
        var d = OptionalBytes(obj, "d");
        if (d is not null)
        {
            var half = (n.Length + 1) / 2;
            parameters.D = Pad(TrimLeadingZeros(d), n.Length, "d");
            parameters.P = Pad(RequiredPrivate(obj, "p"), half, "p");
            parameters.Q = Pad(RequiredPrivate(obj, "q"), half, "q");
            parameters.DP = Pad(RequiredPrivate(obj, "dp"), half, "dp");
            parameters.DQ = Pad(RequiredPrivate(obj, "dq"), half, "dq");
            parameters.InverseQ = Pad(RequiredPrivate(obj, "qi"), half, "qi");
        }
        return new RsaKeyMaterial(algorithm, parameters);
    }

    private static byte[] RequiredPrivate(JsonElement obj, string name) =>
        TrimLeadingZeros(OptionalBytes(obj, name)
                         ?? throw new JwkFormatException($"private RSA key without '{name}' (CRT members are required)"));

    private static Ed25519KeyMaterial ReadEd25519(JsonElement obj)
    {
        if (StringMember(obj, "crv") != "Ed25519") throw new JwkFormatException("EdDSA needs crv 'Ed25519'");
        var x = RequiredBytes(obj, "x");
        if (x.Length != 32) throw new JwkFormatException("Ed25519 public key must be 32 bytes");
        Ed25519PublicKeyParameters publicKey;
        try
        {
            publicKey = new Ed25519PublicKeyParameters(x);
        }
        catch (ArgumentException)
        {
            throw new JwkFormatException("Ed25519 public key is not a valid point");
        }
        var d = OptionalBytes(obj, "d");
        Ed25519PrivateKeyParameters? privateKey = null;
        if (d is not null)
        {
            if (d.Length != 32) throw new JwkFormatException("Ed25519 private key must be 32 bytes");
            privateKey = new Ed25519PrivateKeyParameters(d);
            if (!privateKey.GeneratePublicKey().GetEncoded().AsSpan().SequenceEqual(x))
                throw new JwkFormatException("Ed25519 private key does not match x");
        }
        return new Ed25519KeyMaterial(publicKey, privateKey);
    }

    private static byte[] LeftPad(byte[] value, int size, string problem)
    {
        var trimmed = TrimLeadingZeros(value);
        if (trimmed.Length > size) throw new JwkFormatException(problem);
        if (value.Length == size) return value;
        var padded = new byte[size];
        trimmed.CopyTo(padded, size - trimmed.Length);
        return padded;
    }

    private static byte[] TrimLeadingZeros(byte[] value)
    {
        var i = 0;
        while (i < value.Length && value[i] == 0) i++;
        return i == 0 ? value : value[i..];
    }

    private static byte[] Pad(byte[] value, int length, string name)
    {
        if (value.Length > length) throw new JwkFormatException($"RSA member '{name}' is too long");
        if (value.Length == length) return value;
        var padded = new byte[length];
        value.CopyTo(padded, length - value.Length);
        return padded;
    }
}
