using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tessera.Auth.Jwk;

namespace Tessera.Auth.Tests.Jwk;

public class JsonWebKeyParserTests
{
    public static TheoryData<string> AllAlgorithms() => new(JwsAlgorithm.All.Select(a => a.Name));

    public static TheoryData<string> AsymmetricAlgorithms() =>
        new(JwsAlgorithm.All.Where(a => a.Family != JwsAlgorithmFamily.Hmac).Select(a => a.Name));

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Generated_private_key_signs_and_its_public_form_verifies(string alg)
    {
        var privateKey = TestKeys.Private(alg, kid: "k1");
        Assert.True(privateKey.IsValid);
        Assert.True(privateKey.IsPrivate);
        Assert.Equal(alg, privateKey.Algorithm);
        Assert.Equal("k1", privateKey.KeyId);

        var verifier = alg.StartsWith("HS") ? privateKey : JsonWebKeyParser.Parse(privateKey.ToPublicJwk());
        var message = Encoding.ASCII.GetBytes("header.payload");
        var signature = privateKey.Sign(message);

        Assert.True(verifier.VerifySignature(message, signature));
        Assert.False(verifier.VerifySignature(Encoding.ASCII.GetBytes("header.payloaD"), signature));
        signature[^1] ^= 1;
        Assert.False(verifier.VerifySignature(message, signature));
    }

    [Theory]
    [MemberData(nameof(AsymmetricAlgorithms))]
    public void Public_jwk_has_no_private_members_and_cannot_sign(string alg)
    {
        var publicJson = TestKeys.Private(alg).ToPublicJwk();
        using var document = JsonDocument.Parse(publicJson);
        foreach (var member in new[] { "d", "p", "q", "dp", "dq", "qi", "k" })
            Assert.False(document.RootElement.TryGetProperty(member, out _), $"public JWK still has '{member}'");
        Assert.Equal(alg, document.RootElement.GetProperty("alg").GetString());

        var publicKey = JsonWebKeyParser.Parse(publicJson);
        Assert.True(publicKey.IsValid);
        Assert.False(publicKey.IsPrivate);
        Assert.Throws<InvalidOperationException>(() => publicKey.Sign([1, 2, 3]));
    }

    [Fact]
    public void Oct_key_has_no_public_form()
    {
        var key = TestKeys.Private("HS256");
        Assert.Throws<InvalidOperationException>(() => key.ToPublicJwk());
    }

    [Theory]
    [InlineData("HS256", 31)]
    [InlineData("HS256", 33)]
    [InlineData("HS256", 64)]
    [InlineData("HS384", 32)]
    [InlineData("HS384", 64)]
    [InlineData("HS512", 48)]
    [InlineData("HS512", 65)]
    public void Hmac_key_of_wrong_length_is_refused(string alg, int length)
    {
        var json = $$"""{"kty":"oct","alg":"{{alg}}","k":"{{TestKeys.B64(RandomNumberGenerator.GetBytes(length))}}"}""";
        var key = JsonWebKeyParser.ParseLenient(json);
        Assert.False(key.IsValid);
        Assert.Contains("exactly", key.Problem);
        Assert.Throws<JwkFormatException>(() => JsonWebKeyParser.Parse(json));
    }

    [Theory]
    [InlineData("HS256", 32)]
    [InlineData("HS384", 48)]
    [InlineData("HS512", 64)]
    public void Hmac_key_of_exact_length_is_accepted(string alg, int length)
    {
        var json = $$"""{"kty":"oct","alg":"{{alg}}","k":"{{TestKeys.B64(RandomNumberGenerator.GetBytes(length))}}"}""";
        Assert.True(JsonWebKeyParser.Parse(json).IsPrivate);
    }

    [Fact]
    public void Padded_base64_member_is_refused()
    {
        // 32 bytes encode to 43 characters, so standard base64 would add one '='.
        var k = TestKeys.B64(RandomNumberGenerator.GetBytes(32)) + "=";
        var key = JsonWebKeyParser.ParseLenient($$"""{"kty":"oct","alg":"HS256","k":"{{k}}"}""");
        Assert.Contains("base64url", key.Problem);
    }

    [Fact]
    public void Standard_base64_alphabet_is_refused()
    {
        var bytes = new byte[32];
        bytes[0] = 0xfb; // encodes to a '+' or '-' first character depending on the alphabet
        var k = Convert.ToBase64String(bytes).TrimEnd('=');
        Assert.Contains('+', k);
        Assert.False(JsonWebKeyParser.ParseLenient($$"""{"kty":"oct","alg":"HS256","k":"{{k}}"}""").IsValid);
    }

    [Theory]
    [InlineData("""{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", "alg")]
    [InlineData("""{"alg":"HS256","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", "kty")]
    [InlineData("""{"kty":"oct","alg":7,"k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", "alg")]
    [InlineData("""{"kty":"RSA","alg":"HS256","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", "does not match")]
    [InlineData("""{"kty":"oct","alg":"none","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", "unsupported")]
    [InlineData("""{"kty":"oct","alg":"hs256","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", "unsupported")]
    [InlineData("""{"kty":"EC","alg":"ES256K","crv":"secp256k1","x":"AA","y":"AA"}""", "unsupported")]
    [InlineData("""{"kty":"oct","alg":"HS256"}""", "'k'")]
    [InlineData("""["kty","oct"]""", "object")]
    [InlineData("""{"kty":"oct","alg":"HS256","alg":"HS256","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", "JSON")]
    public void Key_without_consistent_kty_and_alg_is_refused(string json, string expectedProblem)
    {
        var key = JsonWebKeyParser.ParseLenient(json);
        Assert.False(key.IsValid);
        Assert.Contains(expectedProblem, key.Problem);
    }

    [Fact]
    public void Kid_is_optional_and_empty_or_non_string_kid_counts_as_absent()
    {
        var k = TestKeys.B64(new byte[32]);
        Assert.Null(JsonWebKeyParser.Parse($$"""{"kty":"oct","alg":"HS256","k":"{{k}}"}""").KeyId);
        Assert.Null(JsonWebKeyParser.Parse($$"""{"kty":"oct","alg":"HS256","k":"{{k}}","kid":""}""").KeyId);
        Assert.Null(JsonWebKeyParser.Parse($$"""{"kty":"oct","alg":"HS256","k":"{{k}}","kid":12}""").KeyId);
        Assert.Equal("a", JsonWebKeyParser.Parse($$"""{"kty":"oct","alg":"HS256","k":"{{k}}","kid":"a"}""").KeyId);
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    public void Ec_point_off_the_curve_is_refused(string alg)
    {
        var json = TestKeys.Edit(TestKeys.Private(alg).ToPublicJwk(), o =>
        {
            var y = Base64UrlStrict.TryDecode((string)o["y"]!)!;
            y[^1] ^= 1;
            o["y"] = TestKeys.B64(y);
        });
        var key = JsonWebKeyParser.ParseLenient(json);
        Assert.False(key.IsValid);
        Assert.Contains("not on", key.Problem);
    }

    [Fact]
    public void Ec_coordinate_longer_than_the_field_is_refused()
    {
        var json = TestKeys.Edit(TestKeys.Private("ES256").ToPublicJwk(), o =>
        {
            var x = Base64UrlStrict.TryDecode((string)o["x"]!)!;
            o["x"] = TestKeys.B64([1, .. x]);
        });
        Assert.Contains("at most 32 bytes", JsonWebKeyParser.ParseLenient(json).Problem);
    }

    [Fact]
    public void Ec_coordinate_with_leading_zeros_stripped_is_accepted()
    {
        // Find a key whose x starts with a zero byte (1 in 256), then strip it as sloppy issuers do.
        string privateJson;
        byte[] x;
        do
        {
            privateJson = JsonWebKeyGenerator.Generate("ES256");
            x = Base64UrlStrict.TryDecode(JsonDocument.Parse(privateJson).RootElement.GetProperty("x").GetString()!)!;
        } while (x[0] != 0);
        var original = JsonWebKeyParser.Parse(privateJson);
        var shortened = JsonWebKeyParser.Parse(TestKeys.Edit(original.ToPublicJwk(), o => o["x"] = TestKeys.B64(x[1..])));
        Assert.True(shortened.IsValid);
        Assert.True(shortened.VerifySignature([1, 2, 3], original.Sign([1, 2, 3])));
    }

    [Fact]
    public void Ec_key_with_curve_not_matching_alg_is_refused()
    {
        var json = TestKeys.Edit(TestKeys.Private("ES256").ToPublicJwk(), o => o["alg"] = "ES384");
        Assert.Contains("P-384", JsonWebKeyParser.ParseLenient(json).Problem);
    }

    [Fact]
    public void Ec_private_key_not_matching_its_point_is_refused()
    {
        var other = JsonDocument.Parse(TestKeys.PrivateJson("ES256", slot: 1)).RootElement.GetProperty("d").GetString();
        var json = TestKeys.Edit(TestKeys.PrivateJson("ES256"), o => o["d"] = other);
        Assert.False(JsonWebKeyParser.ParseLenient(json).IsValid);
    }

    [Fact]
    public void Es256_signature_is_jose_r_s_form_of_64_bytes()
    {
        var key = TestKeys.Private("ES256");
        var signature = key.Sign([1, 2, 3]);
        Assert.Equal(64, signature.Length);
        // A DER-encoded signature of the same value must not verify: only R‖S is accepted.
        using var ecdsa = ECDsa.Create();
        var der = ConvertToDer(signature);
        Assert.False(key.VerifySignature([1, 2, 3], der));
    }

    private static byte[] ConvertToDer(byte[] rs)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(rs.AsSpan(0, 32));
            writer.WriteIntegerUnsigned(rs.AsSpan(32, 32));
        }
        return writer.Encode();
    }

    private static string RsaJwk(int bits, string alg = "RS256")
    {
        if (bits == 2048) return TestKeys.Edit(TestKeys.Private(alg).ToPublicJwk(), _ => { });
        using var rsa = RSA.Create(bits);
        var p = rsa.ExportParameters(false);
        return $$"""{"kty":"RSA","alg":"{{alg}}","n":"{{TestKeys.B64(p.Modulus!)}}","e":"{{TestKeys.B64(p.Exponent!)}}"}""";
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(2040)]
    public void Rsa_modulus_under_2048_bits_is_refused(int bits)
    {
        var key = JsonWebKeyParser.ParseLenient(RsaJwk(bits));
        Assert.False(key.IsValid);
        Assert.Contains("below the minimum", key.Problem);
    }

    [Fact]
    public void Rsa_modulus_of_2048_bits_is_accepted()
    {
        Assert.True(JsonWebKeyParser.Parse(RsaJwk(2048)).IsValid);
    }

    [Fact]
    public void Rsa_exponent_over_8_bytes_is_refused()
    {
        var json = TestKeys.Edit(RsaJwk(2048), o => o["e"] = TestKeys.B64([1, 0, 0, 0, 0, 0, 0, 0, 1]));
        Assert.Contains("exponent", JsonWebKeyParser.ParseLenient(json).Problem);
    }

    [Theory]
    [InlineData(new byte[] { 1 })]
    [InlineData(new byte[] { 1, 0, 0 })]
    public void Rsa_exponent_one_or_even_is_refused(byte[] e)
    {
        var json = TestKeys.Edit(RsaJwk(2048), o => o["e"] = TestKeys.B64(e));
        Assert.Contains("exponent", JsonWebKeyParser.ParseLenient(json).Problem);
    }

    [Fact]
    public void Rsa_private_key_without_crt_members_is_refused()
    {
        var json = TestKeys.Edit(TestKeys.PrivateJson("RS256"), o => o.Remove("qi"));
        Assert.Contains("'qi'", JsonWebKeyParser.ParseLenient(json).Problem);
    }

    [Fact]
    public void Ed25519_public_key_that_is_not_a_point_is_refused()
    {
        // y = 2^255 - 1 is not reduced modulo p = 2^255 - 19, so this is no valid encoding.
        var x = Enumerable.Repeat((byte)0xff, 32).ToArray();
        x[31] = 0x7f;
        var key = JsonWebKeyParser.ParseLenient($$"""{"kty":"OKP","alg":"EdDSA","crv":"Ed25519","x":"{{TestKeys.B64(x)}}"}""");
        Assert.False(key.IsValid);
    }

    [Fact]
    public void Ed25519_private_key_not_matching_x_is_refused()
    {
        var other = JsonDocument.Parse(TestKeys.PrivateJson("EdDSA", slot: 1)).RootElement.GetProperty("d").GetString();
        var json = TestKeys.Edit(TestKeys.PrivateJson("EdDSA"), o => o["d"] = other);
        Assert.Contains("does not match", JsonWebKeyParser.ParseLenient(json).Problem);
    }

    [Fact]
    public void Ed25519_rfc8037_example_signature_verifies()
    {
        // RFC 8037 appendix A.1 and A.4.
        var key = JsonWebKeyParser.Parse("""
            {"kty":"OKP","crv":"Ed25519","alg":"EdDSA",
             "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
             "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
            """);
        var input = Encoding.ASCII.GetBytes("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc");
        var expected = Base64UrlStrict.TryDecode(
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg")!;
        Assert.Equal(expected, key.Sign(input));
        Assert.True(key.VerifySignature(input, expected));
    }

    [Fact]
    public void Invalid_key_cannot_be_used_to_verify()
    {
        var key = JsonWebKeyParser.ParseLenient("""{"kty":"oct","alg":"HS256","k":"AAAA"}""");
        Assert.Throws<InvalidOperationException>(() => key.VerifySignature([1], [2]));
    }

    [Fact]
    public void Generator_refuses_unknown_algorithm()
    {
        Assert.Throws<ArgumentException>(() => JsonWebKeyGenerator.Generate("none"));
    }
}
