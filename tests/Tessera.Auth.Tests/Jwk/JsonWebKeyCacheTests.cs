using System.Text.Json;
using Tessera.Auth.Jwk;

namespace Tessera.Auth.Tests.Jwk;

public class JsonWebKeyCacheTests
{
    [Fact]
    public void Identical_json_gives_the_same_imported_key()
    {
        var json = TestKeys.Private("ES256", slot: 3).ToPublicJwk();
        var first = JsonWebKeyCache.GetOrParse(JsonDocument.Parse(json).RootElement);
        var second = JsonWebKeyCache.GetOrParse(JsonDocument.Parse(json).RootElement);
        Assert.Same(first, second);
        Assert.True(first.IsValid);
    }

    [Fact]
    public void Different_json_gives_a_different_key()
    {
        var a = JsonWebKeyCache.GetOrParse(JsonDocument.Parse(TestKeys.Private("ES256", kid: "a", slot: 3).ToPublicJwk()).RootElement);
        var b = JsonWebKeyCache.GetOrParse(JsonDocument.Parse(TestKeys.Private("ES256", kid: "b", slot: 3).ToPublicJwk()).RootElement);
        Assert.NotSame(a, b);
        Assert.Equal("b", b.KeyId);
    }

    [Fact]
    public void Invalid_keys_are_cached_with_their_problem()
    {
        var key = JsonWebKeyCache.GetOrParse(JsonDocument.Parse("""{"kty":"oct","alg":"HS256","k":"AA"}""").RootElement);
        Assert.False(key.IsValid);
    }
}
