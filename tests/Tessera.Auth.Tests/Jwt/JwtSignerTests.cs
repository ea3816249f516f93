using System.Text;
using System.Text.Json;
using Tessera.Auth.Jwk;
using Tessera.Auth.Jwt;

namespace Tessera.Auth.Tests.Jwt;

public class JwtSignerTests
{
    [Theory]
    [InlineData("HS256")]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("EdDSA")]
    public void Compact_jws_has_header_alg_kid_typ_the_exact_payload_and_a_valid_signature(string alg)
    {
        var key = TestKeys.Private(alg, kid: "signing-key");
        const string claims = """{"sub":"ada","exp":1700000000}""";
        var token = JwtSigner.Sign(claims, key);

        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(Base64UrlStrict.TryDecode(parts[0])!);
        Assert.Equal(alg, header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("signing-key", header.RootElement.GetProperty("kid").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        Assert.Equal(claims, Encoding.UTF8.GetString(Base64UrlStrict.TryDecode(parts[1])!));

        var verifier = alg == "HS256" ? key : JsonWebKeyParser.Parse(key.ToPublicJwk());
        Assert.True(verifier.VerifySignature(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]),
                                             Base64UrlStrict.TryDecode(parts[2])));
    }

    [Fact]
    public void Header_omits_kid_when_the_key_has_none()
    {
        var token = JwtSigner.Sign("{}", TestKeys.Private("HS256"));
        using var header = JsonDocument.Parse(Base64UrlStrict.TryDecode(token.Split('.')[0])!);
        Assert.False(header.RootElement.TryGetProperty("kid", out _));
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"sub\"")]
    [InlineData("{\"a\":1")]
    public void Claims_that_are_not_a_json_object_are_refused(string claims) =>
        Assert.Throws<ArgumentException>(() => JwtSigner.Sign(claims, TestKeys.Private("HS256")));

    [Fact]
    public void Public_key_cannot_sign() =>
        Assert.Throws<InvalidOperationException>(() => JwtSigner.Sign("{}", TestKeys.Public("ES256")));
}
