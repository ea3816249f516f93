using System.Text.Json;
using Tessera.Auth.Jwk;

namespace Tessera.Auth.Tests.Jwk;

public class AuthKeySourceTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public async Task Inline_keys_and_jwks_keys_come_in_list_order()
    {
        var inlineA = TestKeys.Private("HS256", kid: "a", slot: 1);
        var remote = TestKeys.Private("EdDSA", kid: "r");
        var inlineB = TestKeys.Private("HS256", kid: "b", slot: 2);
        var calls = 0;
        var cache = new JwksCache((_, _) => { calls++; return Task.FromResult($$"""{"keys":[{{remote.ToPublicJwk()}}]}"""); },
                                  new ManualTimeProvider(DateTimeOffset.UnixEpoch));
        var source = new AuthKeySource(Json($$"""[{{inlineA.Json}}, {"jku":"https://keys.example/jwks"}, {{inlineB.Json}}]"""), cache);
        Assert.True(source.HasJwksReferences);
        var keys = await source.GetKeysAsync(null, CancellationToken.None);
        Assert.Equal(["a", "r", "b"], keys.Select(k => k.KeyId));
        Assert.Equal(1, calls);
        Assert.Equal(["a", "b"], source.InlineKeys.Select(k => k.KeyId));
    }

    [Fact]
    public async Task Inline_only_list_needs_no_cache_and_keeps_invalid_keys()
    {
        var source = new AuthKeySource(Json("""[{"kty":"oct","alg":"HS256","k":"AAAA"}]"""), null);
        Assert.False(source.HasJwksReferences);
        var key = Assert.Single(await source.GetKeysAsync("x", CancellationToken.None));
        Assert.False(key.IsValid);
    }

    [Theory]
    [InlineData("""{"jku":"http://keys.example/jwks"}""", "https")]
    [InlineData("""{"jku":"ftp://keys.example/jwks"}""", "https")]
    [InlineData("""{"jku":"/relative"}""", "https")]
    [InlineData("""{"jku":7}""", "absolute")]
    public void Unusable_jku_entries_are_reported(string entry, string problem)
    {
        var source = new AuthKeySource(Json($"[{entry}]"), null);
        Assert.Contains(problem, Assert.Single(source.Problems));
        Assert.False(source.HasJwksReferences);
    }

    [Fact]
    public void Plain_http_is_allowed_to_loopback_only() =>
        Assert.True(new AuthKeySource(Json("""[{"jku":"http://127.0.0.1:8081/jwks"}]"""), null).HasJwksReferences);

    [Fact]
    public async Task Jku_entries_without_a_cache_give_no_keys()
    {
        var source = new AuthKeySource(Json("""[{"jku":"https://keys.example/jwks"}]"""), null);
        Assert.Empty(await source.GetKeysAsync(null, CancellationToken.None));
    }

    [Fact]
    public void Non_array_auth_keys_give_nothing() =>
        Assert.Empty(new AuthKeySource(Json("""{"kty":"oct"}"""), null).InlineKeys);
}
