using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>
/// authKeys entries naming a JWKS URL (<c>{"jku": URL}</c>): fetched over real HTTP from a key
/// server the test runs on loopback, rotated, and kept when the key server fails.
/// </summary>
public class JwksTests
{
    private sealed class KeyServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public volatile string Document = """{"keys": []}""";
        public volatile int Status = 200;
        public int Fetches;

        private KeyServer(WebApplication app) => _app = app;

        public string Url => _app.Urls.First() + "/jwks.json";

        public static async Task<KeyServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new KeyServer(app);
            app.MapGet("/jwks.json", (HttpContext c) =>
            {
                Interlocked.Increment(ref server.Fetches);
                c.Response.StatusCode = server.Status;
                c.Response.ContentType = "application/jwk-set+json";
                return c.Response.WriteAsync(server.Document);
            });
            await app.StartAsync();
            return server;
        }

        public void Serve(params Tokens[] keys) =>
            Document = new JsonObject { ["keys"] = new JsonArray(keys.Select(k => (JsonNode)k.PublicJwk.DeepClone()).ToArray()) }.ToJsonString();

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static string Mint(Tokens key, TestServer s, TimeProvider time) =>
        key.Mint(s.Url.Authority, "lab", edit: c =>
        {
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            c["iat"] = now;
            c["exp"] = now + 30;
        });

    private static async Task<string> JoinKind(TestServer s, string token)
    {
        await using var c = await s.ConnectAsync();
        var joined = await c.JoinAsync("lab", null, token: token);
        return joined.Kind == "join" ? "join" : (string)joined.Value!;
    }

    [Fact]
    public async Task Keys_are_fetched_rotated_and_removed()
    {
        await using var keys = await KeyServer.StartAsync();
        var k1 = Tokens.Es256("k1");
        var k2 = Tokens.Es256("k2");
        keys.Serve(k1);
        var time = new ShiftedTime();
        await using var s = await TestServer.StartAsync(
            f => f.Group("lab", new JsonObject { ["authKeys"] = new JsonArray(new JsonObject { ["jku"] = keys.Url }) }.ToJsonString()),
            time: time);

        Assert.Equal("join", await JoinKind(s, Mint(k1, s, time)));
        Assert.Equal("join", await JoinKind(s, Mint(k1, s, time)));
        Assert.Equal(1, keys.Fetches); // cached

        // Rotation: the key server now publishes k2 as well; a token naming k2 triggers a refresh.
        keys.Serve(k1, k2);
        time.Offset += TimeSpan.FromSeconds(31);
        Assert.Equal("join", await JoinKind(s, Mint(k2, s, time)));

        // A flood of unknown kids does not hammer the key server.
        var bogus = Tokens.Es256("bogus");
        var before = keys.Fetches;
        for (var i = 0; i < 5; i++) Assert.Equal("not authorised", await JoinKind(s, Mint(bogus, s, time)));
        Assert.True(keys.Fetches - before <= 1, $"{keys.Fetches - before} fetches for 5 bogus kids");

        // Removal: k1 disappears from the document and is refused after the scheduled refresh.
        keys.Serve(k2);
        time.Offset += TimeSpan.FromMinutes(11);
        Assert.Equal("not authorised", await JoinKind(s, Mint(k1, s, time)));
        Assert.Equal("join", await JoinKind(s, Mint(k2, s, time)));
    }

    [Fact]
    public async Task A_failing_key_server_keeps_the_last_good_keys()
    {
        await using var keys = await KeyServer.StartAsync();
        var k1 = Tokens.Hs256("k1");
        keys.Serve(k1);
        var time = new ShiftedTime();
        await using var s = await TestServer.StartAsync(
            f => f.Group("lab", new JsonObject { ["authKeys"] = new JsonArray(new JsonObject { ["jku"] = keys.Url }) }.ToJsonString()),
            time: time);
        Assert.Equal("join", await JoinKind(s, Mint(k1, s, time)));
        keys.Status = 500;
        time.Offset += TimeSpan.FromMinutes(11);
        Assert.Equal("join", await JoinKind(s, Mint(k1, s, time)));
        keys.Status = 200;
        keys.Document = "this is not JSON";
        time.Offset += TimeSpan.FromMinutes(11);
        Assert.Equal("join", await JoinKind(s, Mint(k1, s, time)));
    }
}
