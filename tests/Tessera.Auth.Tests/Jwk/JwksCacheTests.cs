using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;
using Tessera.Auth.Jwt;
using Tessera.Auth.Tests.Jwt;

namespace Tessera.Auth.Tests.Jwk;

public class JwksCacheTests
{
    private static readonly Uri Url = new("https://login.example.org/.well-known/jwks.json");
    private readonly ManualTimeProvider _clock = new(TokenFactory.Now);

    /// <summary>A key server whose answer the test controls, counting requests.</summary>
    private sealed class FakeKeyServer
    {
        public string Body = """{"keys":[]}""";
        public Exception? Failure;
        public int Calls;
        public TaskCompletionSource<string>? Gate;

        public Task<string> Fetch(Uri uri, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            if (Gate is not null) return Gate.Task;
            if (Failure is not null) throw Failure;
            return Task.FromResult(Body);
        }

        public void Publish(params JsonWebKey[] keys) =>
            Body = new JsonObject { ["keys"] = new JsonArray(keys.Select(k => JsonNode.Parse(k.ToPublicJwk())).ToArray()) }.ToJsonString();
    }

    private static JsonWebKey Signer(string kid, int slot) => TestKeys.Private("ES256", kid: kid, slot: slot);

    private JwksCache Cache(FakeKeyServer server) => new(server.Fetch, _clock);

    [Fact]
    public async Task Fetches_on_first_use_and_reuses_the_set()
    {
        var server = new FakeKeyServer();
        server.Publish(Signer("k1", 1));
        var cache = Cache(server);
        var keys = await cache.GetKeysAsync(Url, "k1");
        Assert.Equal("k1", Assert.Single(keys).KeyId);
        Assert.False(keys[0].IsPrivate);
        await cache.GetKeysAsync(Url, "k1");
        await cache.GetKeysAsync(Url, null);
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task Refreshes_after_the_interval()
    {
        var server = new FakeKeyServer();
        server.Publish(Signer("k1", 1));
        var cache = Cache(server);
        await cache.GetKeysAsync(Url, "k1");
        _clock.Advance(TimeSpan.FromMinutes(9));
        await cache.GetKeysAsync(Url, "k1");
        Assert.Equal(1, server.Calls);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await cache.GetKeysAsync(Url, "k1");
        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task Rotated_key_is_accepted_once_a_token_names_it()
    {
        var server = new FakeKeyServer();
        var old = Signer("old", 1);
        var rotated = Signer("new", 2);
        server.Publish(old);
        var cache = Cache(server);
        var source = new AuthKeySource(JsonDocument.Parse($$"""[{"jku":"{{Url}}"}]""").RootElement, cache);
        var oldToken = TokenFactory.Sign(old, TokenFactory.GoodClaims());
        Assert.True(await Verifies(source, oldToken));

        server.Publish(old, rotated);
        _clock.Advance(TimeSpan.FromSeconds(31));
        var newToken = TokenFactory.Sign(rotated, TokenFactory.GoodClaims());
        Assert.True(await Verifies(source, newToken));
        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task Removed_key_is_refused_after_the_refresh()
    {
        var server = new FakeKeyServer();
        var key = Signer("k1", 1);
        server.Publish(key);
        var cache = Cache(server);
        var source = new AuthKeySource(JsonDocument.Parse($$"""[{"jku":"{{Url}}"}]""").RootElement, cache);
        var token = TokenFactory.Sign(key, TokenFactory.GoodClaims(), h => h.Remove("kid"));
        Assert.True(await Verifies(source, token));

        server.Publish(Signer("k2", 2));
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await Verifies(source, token)); // still cached
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(await Verifies(source, token));
    }

    private async Task<bool> Verifies(IJwtKeySource source, string token)
    {
        var keys = await source.GetKeysAsync(JwtVerifier.PeekKeyId(token), CancellationToken.None);
        // The tokens carry iat/exp around TokenFactory.Now; verify at that time whatever the cache clock says.
        return JwtVerifier.Verify(token, keys, "lab", null, TokenFactory.Now).Success;
    }

    [Fact]
    public async Task Unknown_kid_refreshes_at_most_once_per_30_seconds()
    {
        var server = new FakeKeyServer();
        server.Publish(Signer("k1", 1));
        var cache = Cache(server);
        await cache.GetKeysAsync(Url, "k1");
        Assert.Equal(1, server.Calls);

        for (var i = 0; i < 100; i++) await cache.GetKeysAsync(Url, "bogus-" + i);
        Assert.Equal(1, server.Calls); // the first fetch was just now

        _clock.Advance(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 100; i++) await cache.GetKeysAsync(Url, "bogus-" + i);
        Assert.Equal(2, server.Calls);

        _clock.Advance(TimeSpan.FromSeconds(29));
        for (var i = 0; i < 100; i++) await cache.GetKeysAsync(Url, "bogus-" + i);
        Assert.Equal(2, server.Calls);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await cache.GetKeysAsync(Url, "bogus");
        Assert.Equal(3, server.Calls);
    }

    [Fact]
    public async Task Known_kid_does_not_refresh()
    {
        var server = new FakeKeyServer();
        server.Publish(Signer("k1", 1));
        var cache = Cache(server);
        await cache.GetKeysAsync(Url, "k1");
        _clock.Advance(TimeSpan.FromMinutes(2));
        await cache.GetKeysAsync(Url, "k1");
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task Failed_fetch_keeps_the_last_good_set()
    {
        var server = new FakeKeyServer();
        server.Publish(Signer("k1", 1));
        var cache = Cache(server);
        await cache.GetKeysAsync(Url, null);

        server.Failure = new HttpRequestException("connection refused");
        _clock.Advance(TimeSpan.FromMinutes(10));
        var keys = await cache.GetKeysAsync(Url, null);
        Assert.Equal(2, server.Calls);
        Assert.Equal("k1", Assert.Single(keys).KeyId);
        Assert.Contains("connection refused", cache.LastError(Url));
    }

    [Theory]
    [InlineData("<html>oops</html>")]
    [InlineData("""{"keys":{}}""")]
    [InlineData("""[1,2]""")]
    [InlineData("")]
    public async Task Garbage_answer_keeps_the_last_good_set(string garbage)
    {
        var server = new FakeKeyServer();
        server.Publish(Signer("k1", 1));
        var cache = Cache(server);
        await cache.GetKeysAsync(Url, null);
        server.Body = garbage;
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal("k1", Assert.Single(await cache.GetKeysAsync(Url, null)).KeyId);
        Assert.NotNull(cache.LastError(Url));
    }

    [Fact]
    public async Task Failing_first_fetch_gives_no_keys_and_is_retried_only_after_the_spacing()
    {
        var server = new FakeKeyServer { Failure = new HttpRequestException("down") };
        var cache = Cache(server);
        Assert.Empty(await cache.GetKeysAsync(Url, "k1"));
        Assert.Empty(await cache.GetKeysAsync(Url, "k1"));
        Assert.Equal(1, server.Calls);
        server.Failure = null;
        server.Publish(Signer("k1", 1));
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Single(await cache.GetKeysAsync(Url, "k1"));
        Assert.Equal(2, server.Calls);
        Assert.Null(cache.LastError(Url));
    }

    [Fact]
    public async Task Concurrent_callers_share_one_fetch()
    {
        var server = new FakeKeyServer { Gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously) };
        var cache = Cache(server);
        var callers = Enumerable.Range(0, 20).Select(i => cache.GetKeysAsync(Url, "k" + i)).ToList();
        server.Publish(Signer("k1", 1));
        server.Gate.SetResult(server.Body);
        var results = await Task.WhenAll(callers);
        Assert.Equal(1, server.Calls);
        Assert.All(results, r => Assert.Single(r));
    }

    [Fact]
    public async Task A_cancelled_caller_does_not_cancel_the_shared_fetch()
    {
        var server = new FakeKeyServer { Gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously) };
        var cache = Cache(server);
        using var cancel = new CancellationTokenSource();
        var impatient = cache.GetKeysAsync(Url, null, cancel.Token);
        var patient = cache.GetKeysAsync(Url, null);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        server.Publish(Signer("k1", 1));
        server.Gate.SetResult(server.Body);
        Assert.Single(await patient);
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task Fetch_that_hangs_times_out_and_counts_as_failed()
    {
        var cache = new JwksCache(async (_, token) => { await Task.Delay(Timeout.Infinite, token); return ""; },
                                  _clock, new JwksCacheOptions { FetchTimeout = TimeSpan.FromSeconds(5) });
        var keys = cache.GetKeysAsync(Url, null);
        await Eventually.True(() => _clock.PendingTimers == 1, "the fetch's timeout armed");
        // Only the manual clock's timer can end the fetch: short of the timeout nothing has ended it.
        _clock.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.False(keys.IsCompleted);
        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.Empty(await Eventually.Completes(keys));
        Assert.Equal("fetch timed out", cache.LastError(Url));
    }

    [Fact]
    public async Task Different_urls_have_separate_sets()
    {
        var server = new FakeKeyServer();
        server.Publish(Signer("k1", 1));
        var cache = Cache(server);
        await cache.GetKeysAsync(Url, null);
        await cache.GetKeysAsync(new Uri("https://other.example/jwks"), null);
        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public void Jwks_document_keeps_unusable_keys_with_their_problem()
    {
        var keys = JwksDocument.Parse($$"""{"keys":[{"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB"},{{TestKeys.Private("ES256").ToPublicJwk()}}]}""");
        Assert.Equal(2, keys.Count);
        Assert.False(keys[0].IsValid);
        Assert.True(keys[1].IsValid);
    }
}
