using System.Text;
using System.Text.Json;
using Tessera.Auth.Jwk;

namespace Tessera.Ctl.Tests;

public sealed class PublicKeyTests
{
    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("EdDSA")]
    public void Prints_the_public_part_that_verifies_the_private_keys_signatures(string alg)
    {
        var privateJwk = JsonWebKeyGenerator.Generate(alg, "k1");
        var (exit, output, _) = CtlRunner.Run(privateJwk + "\n", "public-key");
        Assert.Equal(0, exit);
        var publicKey = JsonWebKeyParser.Parse(output.Trim());
        Assert.False(publicKey.IsPrivate);
        Assert.Equal("k1", publicKey.KeyId);
        using var doc = JsonDocument.Parse(output);
        Assert.False(doc.RootElement.TryGetProperty("d", out _));

        var data = Encoding.ASCII.GetBytes("header.payload");
        var signature = JsonWebKeyParser.Parse(privateJwk).Sign(data);
        Assert.True(publicKey.VerifySignature(data, signature));
    }

    [Fact]
    public void Reads_the_key_from_a_file_too()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, JsonWebKeyGenerator.Generate("ES256"));
            var (exit, output, _) = CtlRunner.Run("", "public-key", "--key", path);
            Assert.Equal(0, exit);
            Assert.False(JsonWebKeyParser.Parse(output.Trim()).IsPrivate);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_hmac_key_is_printed_as_it_is_with_a_warning()
    {
        var secret = JsonWebKeyGenerator.Generate("HS256");
        var (exit, output, error) = CtlRunner.Run(secret, "public-key");
        Assert.Equal(0, exit);
        Assert.Equal(secret, output.Trim());
        Assert.Contains("no public part", error);
    }

    [Fact]
    public void Garbage_is_refused()
    {
        var (exit, output, error) = CtlRunner.Run("{\"kty\":\"EC\"}", "public-key");
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("not a usable JWK", error);
    }
}
