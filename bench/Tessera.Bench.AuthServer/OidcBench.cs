using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tessera.Auth.Jwk;
using Tessera.Testing;

namespace Tessera.Bench.AuthServer;

/// <summary>
/// Single sign-on round trips against the real OpenID provider of the tests (oidc-provider under
/// Node): each virtual browser signs in once at the provider (login and consent), then repeats
/// portal round trips — start at tessera-auth, the provider's authorization endpoint (its session
/// answers at once), the callback (code redeemed, ID token validated with the cached JWKS, token
/// minted). CPU time per sign-in is read from /proc for tessera-auth, the provider and this process.
/// </summary>
internal static partial class OidcBench
{
    private const string Group = "https://meet.example.org/group/lab/";

    public static void Run(int seconds, int concurrency, Func<string> loadAverage)
    {
        var authPort = FreePort.Find();
        var authBase = $"http://127.0.0.1:{authPort}/";
        var users = new JsonObject();
        for (var i = 0; i < concurrency; i++)
            users[$"user{i}"] = new JsonObject { ["password"] = $"user{i}-pw", ["claims"] = new JsonObject { ["preferred_username"] = $"user{i}", ["groups"] = new JsonArray("staff") } };
        using var provider = OidcTestProvider.StartAsync(users, new JsonArray(new JsonObject
        {
            ["client_id"] = "tessera",
            ["client_secret"] = "the benchmark's client secret",
            ["redirect_uris"] = new JsonArray($"{authBase}oidc/idp/callback"),
            ["token_endpoint_auth_method"] = "client_secret_basic",
        })).GetAwaiter().GetResult().AsDisposable();

        var dir = Directory.CreateTempSubdirectory("tessera-bench-oidc-").FullName;
        try
        {
            var config = new JsonObject
            {
                ["listen"] = $"127.0.0.1:{authPort}",
                ["insecure"] = true,
                ["issuer"] = authBase,
                ["keys"] = new JsonArray(JsonNode.Parse(JsonWebKeyGenerator.Generate("ES256", "bench"))),
                ["conferences"] = new JsonArray("https://meet.example.org/"),
                ["portal"] = true,
                ["backends"] = new JsonArray(new JsonObject
                {
                    ["type"] = "oidc", ["name"] = "idp", ["issuer"] = provider.Value.Issuer, ["clientId"] = "tessera",
                    ["clientSecret"] = "the benchmark's client secret", ["scopes"] = new JsonArray("openid", "profile", "groups"),
                }),
                ["rules"] = JsonNode.Parse("""[{"members":"staff","permissions":["present","message"]}]"""),
            };
            File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
            using var server = new ServerProcess(Path.Combine(dir, "config.json"));

            var browsers = Enumerable.Range(0, concurrency).Select(i => new Browser(authBase, $"user{i}")).ToList();
            Task.WhenAll(browsers.Select(b => b.SignInAtProviderAsync())).GetAwaiter().GetResult();
            RunFor(browsers, TimeSpan.FromSeconds(2)); // warm-up: JIT, connection pools, the JWKS cache

            var stats = provider.Value.StatsAsync().GetAwaiter().GetResult();
            var serverCpu = server.CpuTime();
            var providerCpu = ServerProcess.CpuTimeOf(provider.Value.ProcessId);
            var ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var (done, failed) = RunFor(browsers, TimeSpan.FromSeconds(seconds));
            sw.Stop();
            serverCpu = server.CpuTime() - serverCpu;
            providerCpu = ServerProcess.CpuTimeOf(provider.Value.ProcessId) - providerCpu;
            ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpu;
            var after = provider.Value.StatsAsync().GetAwaiter().GetResult();

            double Per(TimeSpan t) => t.TotalMilliseconds * 1000 / Math.Max(1, done);
            Console.WriteLine($"single sign-on (oidc-provider {provider.Value.Issuer}, client secret, ES256 tokens), {concurrency} browsers:");
            Console.WriteLine($"  measured {done / sw.Elapsed.TotalSeconds:F0} portal round trips/s ({done} sign-ins, {failed} failures, load average now {loadAverage()})");
            Console.WriteLine($"  JWKS fetched during the run: {after.Jwks - stats.Jwks}; token requests: {after.Token - stats.Token}");
            Console.WriteLine($"  CPU per sign-in: tessera-auth {Per(serverCpu):F0} µs, provider (Node) {Per(providerCpu):F0} µs, browsers (this process) {Per(ownCpu):F0} µs");
            Console.WriteLine($"  on {Environment.ProcessorCount} idle cores: tessera-auth alone ≈ {Environment.ProcessorCount * 1e6 / Per(serverCpu):F0} sign-ins/s");
            foreach (var b in browsers) b.Dispose();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static (int Done, int Failed) RunFor(List<Browser> browsers, TimeSpan duration)
    {
        var until = Stopwatch.StartNew();
        var done = 0;
        var failed = 0;
        Task.WhenAll(browsers.Select(async b =>
        {
            while (until.Elapsed < duration)
            {
                if (await b.RoundTripAsync()) Interlocked.Increment(ref done);
                else Interlocked.Increment(ref failed);
            }
        })).GetAwaiter().GetResult();
        return (done, failed);
    }

    private sealed partial class Browser(string authBase, string user) : IDisposable
    {
        private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });

        /// <summary>Start, then hops until tessera-auth's callback answers with the token's redirect.</summary>
        public async Task<bool> RoundTripAsync(bool interactive = false)
        {
            var next = new Uri($"{authBase}oidc/idp/start?return={Uri.EscapeDataString(Group)}");
            for (var hops = 0; hops < 12; hops++)
            {
                using var response = await _http.GetAsync(next);
                if (response.StatusCode == HttpStatusCode.SeeOther && next.AbsolutePath.EndsWith("/callback", StringComparison.Ordinal))
                    return response.Headers.Location!.AbsoluteUri.StartsWith(Group + "?token=", StringComparison.Ordinal);
                if (response.StatusCode is HttpStatusCode.SeeOther or HttpStatusCode.Found)
                {
                    next = new Uri(next, response.Headers.Location!);
                    continue;
                }
                if (!interactive || response.StatusCode != HttpStatusCode.OK) return false;
                var page = await response.Content.ReadAsStringAsync();
                var action = new Uri(next, FormAction().Match(page).Groups[1].Value);
                var form = new FormUrlEncodedContent(action.AbsolutePath.EndsWith("/login", StringComparison.Ordinal)
                    ? new Dictionary<string, string> { ["login"] = user, ["password"] = user + "-pw" }
                    : new Dictionary<string, string>());
                using var posted = await _http.PostAsync(action, form);
                next = new Uri(action, posted.Headers.Location!);
            }
            return false;
        }

        public async Task SignInAtProviderAsync()
        {
            if (!await RoundTripAsync(interactive: true)) throw new InvalidOperationException($"{user} could not sign in at the provider");
        }

        [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
        private static partial Regex FormAction();

        public void Dispose() => _http.Dispose();
    }

    /// <summary>Disposes an async-disposable at the end of a synchronous scope.</summary>
    private static Holder<T> AsDisposable<T>(this T value) where T : IAsyncDisposable => new(value);

    private sealed class Holder<T>(T value) : IDisposable where T : IAsyncDisposable
    {
        public T Value { get; } = value;
        public void Dispose() => Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
