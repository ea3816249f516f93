using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;

namespace Tessera.Auth.Tests.Jwt;

public class JwtKeySelectionTests : JwtTestBase
{
    public static TheoryData<string> AllAlgorithms() => new(JwsAlgorithm.All.Select(a => a.Name));

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Token_signed_with_each_algorithm_verifies_with_the_public_key(string alg)
    {
        var signer = TestKeys.Private(alg, kid: "main");
        var verifier = alg.StartsWith("HS") ? signer : TestKeys.Public(alg, kid: "main");
        var result = Verify(TokenFactory.Sign(signer, TokenFactory.GoodClaims()), [verifier]);
        Assert.True(result.Success, result.FailureReason);
        Assert.Equal("ada", result.Subject);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    [InlineData("nOnE")]
    public void Alg_none_fails_in_any_capitalisation(string alg)
    {
        var key = TestKeys.Private("HS256");
        var header = $$"""{"alg":"{{alg}}","typ":"JWT"}""";
        var unsigned = TokenFactory.B64(header) + "." + TokenFactory.B64(TokenFactory.GoodClaims().ToJsonString()) + ".";
        AssertRefused(Verify(unsigned, [key]));
        var withHmac = TokenFactory.SignRaw(header, TokenFactory.GoodClaims().ToJsonString(), b => key.Sign(b));
        AssertRefused(Verify(withHmac, [key]));
    }

    [Fact]
    public void No_key_can_declare_alg_none()
    {
        var key = JsonWebKeyParser.ParseLenient("""{"kty":"oct","alg":"none","k":""}""");
        Assert.False(key.IsValid);
        var token = TokenFactory.B64("""{"alg":"none"}""") + "." + TokenFactory.B64(TokenFactory.GoodClaims().ToJsonString()) + ".";
        AssertRefused(Verify(token, [key]), "alg none");
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public void Hmac_token_keyed_with_the_bytes_of_a_configured_public_key_fails(string alg)
    {
        var publicKey = TestKeys.Public(alg, kid: "pub");
        var claims = TokenFactory.GoodClaims().ToJsonString();
        var candidatesForSecret = new List<byte[]> { Encoding.UTF8.GetBytes(publicKey.Json) };
        using var document = JsonDocument.Parse(publicKey.Json);
        foreach (var member in new[] { "n", "x" })
        {
            if (document.RootElement.TryGetProperty(member, out var v)) candidatesForSecret.Add(Base64UrlStrict.TryDecode(v.GetString()!)!);
        }
        candidatesForSecret.Add(alg == "RS256" ? SubjectPublicKeyInfoOfRsa(publicKey) : SubjectPublicKeyInfoOfEc(publicKey));

        foreach (var secret in candidatesForSecret)
        {
            foreach (var header in new[] { """{"alg":"HS256"}""", """{"alg":"HS256","kid":"pub"}""" })
            {
                var token = TokenFactory.SignRaw(header, claims, TokenFactory.Hmac256(secret));
                AssertRefused(Verify(token, [publicKey]), "no key for alg HS256");
            }
        }
    }

    private static byte[] SubjectPublicKeyInfoOfRsa(JsonWebKey key)
    {
        using var doc = JsonDocument.Parse(key.Json);
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters
        {
            Modulus = Base64UrlStrict.TryDecode(doc.RootElement.GetProperty("n").GetString()!),
            Exponent = Base64UrlStrict.TryDecode(doc.RootElement.GetProperty("e").GetString()!),
        });
        return rsa.ExportSubjectPublicKeyInfo();
    }

    private static byte[] SubjectPublicKeyInfoOfEc(JsonWebKey key)
    {
        using var doc = JsonDocument.Parse(key.Json);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportParameters(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint
            {
                X = Base64UrlStrict.TryDecode(doc.RootElement.GetProperty("x").GetString()!),
                Y = Base64UrlStrict.TryDecode(doc.RootElement.GetProperty("y").GetString()!),
            },
        });
        return ecdsa.ExportSubjectPublicKeyInfo();
    }

    [Fact]
    public void Key_is_bound_to_its_declared_alg_even_when_the_material_would_fit()
    {
        // Same RSA key material declared as PS256: an RS256 token signed with it is not accepted.
        var rs = TestKeys.Private("RS256");
        var asPss = JsonWebKeyParser.Parse(TestKeys.Edit(rs.ToPublicJwk(), o => o["alg"] = "PS256"));
        AssertRefused(Verify(TokenFactory.Sign(rs, TokenFactory.GoodClaims()), [asPss]), "no key for alg RS256");
    }

    [Fact]
    public void Hs256_token_with_only_an_es256_key_fails()
    {
        var hmac = TestKeys.Private("HS256");
        AssertRefused(Verify(TokenFactory.Sign(hmac, TokenFactory.GoodClaims()), [TestKeys.Public("ES256")]));
    }

    [Fact]
    public void Unknown_kid_fails()
    {
        var key = TestKeys.Private("HS256", kid: "k1");
        var token = TokenFactory.Sign(key, TokenFactory.GoodClaims(), h => h["kid"] = "k9");
        AssertRefused(Verify(token, [key]), "kid");
    }

    [Fact]
    public void Kid_naming_another_key_fails_even_though_the_signing_key_is_configured()
    {
        var k1 = TestKeys.Private("HS256", kid: "k1", slot: 1);
        var k2 = TestKeys.Private("HS256", kid: "k2", slot: 2);
        var token = TokenFactory.Sign(k1, TokenFactory.GoodClaims(), h => h["kid"] = "k2");
        AssertRefused(Verify(token, [k1, k2]), "bad signature");
    }

    [Fact]
    public void Header_kid_with_keys_lacking_kid_fails()
    {
        var key = TestKeys.Private("HS256");
        var token = TokenFactory.Sign(key, TokenFactory.GoodClaims(), h => h["kid"] = "k2");
        AssertRefused(Verify(token, [key]), "kid");
    }

    [Fact]
    public void Without_kid_any_of_several_keys_may_verify()
    {
        var keys = new[] { TestKeys.Private("HS256", slot: 1), TestKeys.Private("HS256", slot: 2), TestKeys.Private("HS256", slot: 3) };
        foreach (var signer in keys)
            Assert.True(Verify(TokenFactory.Sign(signer, TokenFactory.GoodClaims()), keys).Success);
    }

    [Fact]
    public void Token_without_kid_may_be_verified_by_keys_that_have_one()
    {
        var withKid = TestKeys.Private("HS256", kid: "k1");
        var token = TokenFactory.Sign(withKid, TokenFactory.GoodClaims(), h => h.Remove("kid"));
        Assert.True(Verify(token, [TestKeys.Private("HS256", slot: 5), withKid]).Success);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Empty_or_non_string_kid_counts_as_absent(string kidJson)
    {
        var key = TestKeys.Private("HS256");
        var token = TokenFactory.Sign(key, TokenFactory.GoodClaims(), h => h["kid"] = JsonNode.Parse(kidJson));
        Assert.True(Verify(token, [key]).Success);
    }

    [Fact]
    public void Selected_invalid_key_fails_the_token_even_if_another_candidate_would_verify()
    {
        var good = TestKeys.Private("HS256");
        var shortKey = JsonWebKeyParser.ParseLenient($$"""{"kty":"oct","alg":"HS256","k":"{{TestKeys.B64(new byte[16])}}"}""");
        var token = TokenFactory.Sign(good, TokenFactory.GoodClaims());
        AssertRefused(Verify(token, [shortKey, good]), "invalid");
        AssertRefused(Verify(token, [good, shortKey]), "invalid");
    }

    [Fact]
    public void Invalid_key_that_is_not_selected_does_not_matter()
    {
        var good = TestKeys.Private("HS256", kid: "good");
        var shortKey = JsonWebKeyParser.ParseLenient($$"""{"kty":"oct","alg":"HS256","kid":"bad","k":"{{TestKeys.B64(new byte[16])}}"}""");
        Assert.True(Verify(TokenFactory.Sign(good, TokenFactory.GoodClaims()), [shortKey, good]).Success);
    }

    [Fact]
    public void Rsa_key_under_2048_bits_selected_by_a_token_fails()
    {
        using var rsa = RSA.Create(1024);
        var p = rsa.ExportParameters(false);
        var weak = JsonWebKeyParser.ParseLenient(
            $$"""{"kty":"RSA","alg":"RS256","n":"{{TestKeys.B64(p.Modulus!)}}","e":"{{TestKeys.B64(p.Exponent!)}}"}""");
        var input = TokenFactory.B64("""{"alg":"RS256"}""") + "." + TokenFactory.B64(TokenFactory.GoodClaims().ToJsonString());
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        AssertRefused(Verify(input + "." + Base64UrlStrict.Encode(signature), [weak]), "below the minimum");
    }

    [Fact]
    public void Off_curve_ec_key_selected_by_a_token_fails()
    {
        var signer = TestKeys.Private("ES256");
        var offCurve = JsonWebKeyParser.ParseLenient(TestKeys.Edit(signer.ToPublicJwk(), o =>
        {
            var y = Base64UrlStrict.TryDecode((string)o["y"]!)!;
            y[0] ^= 0x80;
            o["y"] = TestKeys.B64(y);
        }));
        AssertRefused(Verify(TokenFactory.Sign(signer, TokenFactory.GoodClaims()), [offCurve]), "not on");
    }

    [Fact]
    public void Key_with_unsupported_alg_selected_by_a_token_fails()
    {
        var key = JsonWebKeyParser.ParseLenient("""{"kty":"EC","alg":"ES256K","crv":"secp256k1","x":"AA","y":"AA"}""");
        var token = TokenFactory.B64("""{"alg":"ES256K"}""") + "." + TokenFactory.B64(TokenFactory.GoodClaims().ToJsonString()) + ".AAAA";
        AssertRefused(Verify(token, [key]));
    }

    [Theory]
    [InlineData("ES256", 64)]
    [InlineData("ES384", 96)]
    [InlineData("ES512", 132)]
    public void All_zero_ecdsa_signature_fails(string alg, int length)
    {
        var key = TestKeys.Public(alg);
        var input = TokenFactory.B64($$"""{"alg":"{{alg}}"}""") + "." + TokenFactory.B64(TokenFactory.GoodClaims().ToJsonString());
        AssertRefused(Verify(input + "." + Base64UrlStrict.Encode(new byte[length]), [key]), "bad signature");
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("PS256")]
    [InlineData("EdDSA")]
    public void One_key_verifies_correctly_from_many_threads_at_once(string alg)
    {
        var signer = TestKeys.Private(alg);
        var key = TestKeys.Public(alg);
        var good = TokenFactory.Sign(signer, TokenFactory.GoodClaims());
        var forged = TokenFactory.Sign(signer, TokenFactory.GoodClaims("other"));
        forged = forged[..forged.LastIndexOf('.')] + good[good.LastIndexOf('.')..];
        var wrong = 0;
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var token = i % 2 == 0 ? good : forged;
            if (Verify(token, [key]).Success != (i % 2 == 0)) Interlocked.Increment(ref wrong);
        });
        Assert.Equal(0, wrong);
    }
}
