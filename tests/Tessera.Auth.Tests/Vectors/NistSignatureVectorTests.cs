using Tessera.Auth.Jwk;

namespace Tessera.Auth.Tests.Vectors;

/// <summary>
/// NIST CAVP signature-verification vectors fed through the same key import
/// (<see cref="JsonWebKeyParser"/>) and signature check (<see cref="JsonWebKey.VerifySignature"/>)
/// that <c>JwtVerifier</c> uses. The vectors sign raw messages, so the message bytes take the place
/// of the JWS signing input. A key the parser refuses counts as a failed verification, exactly as
/// a token selecting that key would fail.
/// </summary>
public class NistSignatureVectorTests
{
    [Theory]
    [InlineData("P-256", "SHA-256", "ES256", 32)]
    [InlineData("P-384", "SHA-384", "ES384", 48)]
    [InlineData("P-521", "SHA-512", "ES512", 66)]
    public void Ecdsa_sigver_vectors_verify_exactly_as_the_file_says(string curve, string hash, string alg, int size)
    {
        var records = CavpFile.Read("ECDSA/FIPS_186-3/SigVer.rsp").Where(r => r.Section == $"{curve},{hash}").ToList();
        Assert.Equal(15, records.Count);
        Assert.Contains(records, r => r.ExpectedPass);
        Assert.Contains(records, r => !r.ExpectedPass);

        var mismatches = new List<string>();
        foreach (var record in records)
        {
            var jwk = $$"""{"kty":"EC","alg":"{{alg}}","crv":"{{curve}}","x":"{{B64(Pad(record.Bytes("Qx"), size))}}","y":"{{B64(Pad(record.Bytes("Qy"), size))}}"}""";
            var signature = Pad(record.Bytes("R"), size).Concat(Pad(record.Bytes("S"), size)).ToArray();
            var verified = VerifyWith(jwk, record.Bytes("Msg"), signature);
            if (verified != record.ExpectedPass) mismatches.Add($"Msg {record["Msg"][..16]}…: expected {record["Result"]}, got {verified}");
        }
        Assert.Empty(mismatches);
    }

    public static TheoryData<string, string, string> RsaFiles() => new()
    {
        { "RSA/FIPS_186-2/SigVer15_186-3.rsp", "SHA256", "RS256" },
        { "RSA/FIPS_186-2/SigVer15_186-3.rsp", "SHA384", "RS384" },
        { "RSA/FIPS_186-2/SigVer15_186-3.rsp", "SHA512", "RS512" },
        { "RSA/FIPS_186-2/SigVerPSS_186-3.rsp", "SHA256", "PS256" },
        { "RSA/FIPS_186-2/SigVerPSS_186-3.rsp", "SHA384", "PS384" },
        { "RSA/FIPS_186-2/SigVerPSS_186-3.rsp", "SHA512", "PS512" },
    };

    /// <summary>Moduli of 2048 bits and more only: smaller ones are refused by design (tested separately).</summary>
    [Theory]
    [MemberData(nameof(RsaFiles))]
    public void Rsa_sigver_vectors_verify_exactly_as_the_file_says(string file, string hash, string alg)
    {
        var records = CavpFile.Read(file)
            .Where(r => r["SHAAlg"] == hash && r.Section is "mod = 2048" or "mod = 3072" or "mod = 4096")
            .ToList();
        Assert.Equal(54, records.Count); // 18 per modulus size
        Assert.Contains(records, r => r.ExpectedPass);
        Assert.Contains(records, r => !r.ExpectedPass);

        var mismatches = new List<string>();
        foreach (var record in records)
        {
            var jwk = $$"""{"kty":"RSA","alg":"{{alg}}","n":"{{B64(Trim(record.Bytes("n")))}}","e":"{{B64(Trim(record.Bytes("e")))}}"}""";
            var verified = VerifyWith(jwk, record.Bytes("Msg"), record.Bytes("S"));
            if (verified != record.ExpectedPass) mismatches.Add($"{record.Section} Msg {record["Msg"][..16]}…: expected {record["Result"]}, got {verified}");
        }
        Assert.Empty(mismatches);
    }

    private static bool VerifyWith(string jwk, byte[] message, byte[] signature)
    {
        var key = JsonWebKeyParser.ParseLenient(jwk);
        return key.IsValid && key.VerifySignature(message, signature);
    }

    private static string B64(byte[] bytes) => Base64UrlStrict.Encode(bytes);

    private static byte[] Pad(byte[] value, int size)
    {
        var trimmed = Trim(value);
        if (trimmed.Length >= size) return trimmed;
        var padded = new byte[size];
        trimmed.CopyTo(padded, size - trimmed.Length);
        return padded;
    }

    private static byte[] Trim(byte[] value)
    {
        var i = 0;
        while (i < value.Length - 1 && value[i] == 0) i++;
        return value[i..];
    }
}
