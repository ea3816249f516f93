using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Tessera.Auth.Jwk;

/// <summary>Creates fresh private JWKs (for tessera-auth, tessera-ctl and tests).</summary>
public static class JsonWebKeyGenerator
{
    private const int RsaModulusBits = 2048;

    /// <summary>A new private JWK as JSON, declaring <paramref name="alg"/> and, if given, <paramref name="kid"/>.</summary>
    /// <exception cref="ArgumentException">The algorithm is not supported.</exception>
    public static string Generate(string alg, string? kid = null)
    {
        if (!JwsAlgorithm.TryGet(alg, out var algorithm)) throw new ArgumentException($"unsupported alg '{alg}'", nameof(alg));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kty", algorithm.KeyType);
            switch (algorithm.Family)
            {
                case JwsAlgorithmFamily.Hmac:
                    WriteBytes(writer, "k", RandomNumberGenerator.GetBytes(algorithm.HmacKeyLength));
                    break;
                case JwsAlgorithmFamily.Ecdsa:
                    WriteEc(writer, algorithm);
                    break;
                case JwsAlgorithmFamily.RsaPkcs1:
                case JwsAlgorithmFamily.RsaPss:
                    WriteRsa(writer);
                    break;
                case JwsAlgorithmFamily.EdDsa:
                    var privateKey = new Ed25519PrivateKeyParameters(new SecureRandom());
                    writer.WriteString("crv", "Ed25519");
                    WriteBytes(writer, "x", privateKey.GeneratePublicKey().GetEncoded());
                    WriteBytes(writer, "d", privateKey.GetEncoded());
                    break;
            }
            writer.WriteString("alg", algorithm.Name);
            if (!string.IsNullOrEmpty(kid)) writer.WriteString("kid", kid);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteEc(Utf8JsonWriter writer, JwsAlgorithm algorithm)
    {
        using var ecdsa = ECDsa.Create(NistCurves.Named(algorithm.Curve!));
        var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
        var size = algorithm.CurveFieldBytes;
        writer.WriteString("crv", algorithm.Curve);
        WriteBytes(writer, "x", LeftPad(parameters.Q.X!, size));
        WriteBytes(writer, "y", LeftPad(parameters.Q.Y!, size));
        WriteBytes(writer, "d", LeftPad(parameters.D!, size));
    }

    private static void WriteRsa(Utf8JsonWriter writer)
    {
        using var rsa = RSA.Create(RsaModulusBits);
        var p = rsa.ExportParameters(includePrivateParameters: true);
        WriteBytes(writer, "n", p.Modulus!);
        WriteBytes(writer, "e", p.Exponent!);
        WriteBytes(writer, "d", p.D!);
        WriteBytes(writer, "p", p.P!);
        WriteBytes(writer, "q", p.Q!);
        WriteBytes(writer, "dp", p.DP!);
        WriteBytes(writer, "dq", p.DQ!);
        WriteBytes(writer, "qi", p.InverseQ!);
    }

    private static void WriteBytes(Utf8JsonWriter writer, string name, byte[] value) =>
        writer.WriteString(name, Base64UrlStrict.Encode(value));

    private static byte[] LeftPad(byte[] value, int length)
    {
        if (value.Length >= length) return value;
        var padded = new byte[length];
        value.CopyTo(padded, length - value.Length);
        return padded;
    }
}
