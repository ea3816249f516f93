using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Auth.Jwk;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Tests.Support;

/// <summary>
/// The real tessera-auth application on 127.0.0.1 with a free port, built from a configuration
/// written to a temp directory (with a users file), and an HttpClient that neither follows
/// redirects nor keeps cookies unless asked.
/// </summary>
public sealed class TestAuthServer : IAsyncDisposable
{
    public const string Conference = "https://meet.example.org/";
    public const string ConferenceOrigin = "https://meet.example.org";

    private readonly string _dir;
    private readonly WebApplication _app;

    public static readonly JsonObject DefaultUsers = new()
    {
        ["users"] = new JsonObject
        {
            ["john"] = new JsonObject { ["password"] = "john-pw", ["permissions"] = "present" },
            ["olga"] = new JsonObject { ["password"] = "olga-pw", ["permissions"] = "op", ["groups"] = new JsonArray("teachers") },
            ["sam"] = new JsonObject { ["password"] = "sam-pw", ["groups"] = new JsonArray("staff") },
            ["nobody"] = new JsonObject { ["password"] = "nobody-pw" },
        },
    };

    private TestAuthServer(string dir, WebApplication app, ManualTimeProvider time, string privateKey)
    {
        _dir = dir;
        _app = app;
        Time = time;
        PrivateKey = privateKey;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public ManualTimeProvider Time { get; }
    public string PrivateKey { get; }

    /// <param name="configure">Edits the configuration JSON before it is written.</param>
    public static async Task<TestAuthServer> StartAsync(Action<JsonObject>? configure = null, JsonObject? users = null,
                                                        string alg = "ES256", IReadOnlyDictionary<string, string>? files = null,
                                                        ILoggerProvider? log = null)
    {
        var dir = Directory.CreateTempSubdirectory("tessera-auth-test-").FullName;
        File.WriteAllText(Path.Combine(dir, "users.json"), (users ?? DefaultUsers).ToJsonString());
        foreach (var (name, content) in files ?? new Dictionary<string, string>())
            File.WriteAllText(Path.Combine(dir, name), content);
        var key = JsonWebKeyGenerator.Generate(alg, "test-key");
        var config = new JsonObject
        {
            ["listen"] = "127.0.0.1:0",
            ["insecure"] = true,
            ["issuer"] = "https://auth.example.org/",
            ["keys"] = new JsonArray(JsonNode.Parse(key)),
            ["conferences"] = new JsonArray(Conference),
            ["backends"] = new JsonArray(new JsonObject { ["type"] = "file", ["path"] = "users.json" }),
            ["portal"] = true,
            // Padding refusals is tested on its own; elsewhere it would only slow the suite down.
            ["refusalDelay"] = 0,
        };
        configure?.Invoke(config);
        var path = Path.Combine(dir, "tessera-auth.json");
        File.WriteAllText(path, config.ToJsonString());
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        try
        {
            var app = AuthServerApp.Build(ConfigLoader.Load(path), new AuthServerHostOptions
            {
                Time = time,
                ConfigPath = path,
                ConfigureLogging = l =>
                {
                    if (log is null) l.SetMinimumLevel(LogLevel.Warning);
                    else l.SetMinimumLevel(LogLevel.Debug).AddProvider(log);
                },
            });
            await app.StartAsync();
            return new TestAuthServer(dir, app, time, key);
        }
        catch
        {
            Directory.Delete(dir, true);
            throw;
        }
    }

    public string UsersFilePath => Path.Combine(_dir, "users.json");

    /// <summary>The configuration file the server was started from, and watches.</summary>
    public string ConfigPath => Path.Combine(_dir, "tessera-auth.json");

    public Task<HttpResponseMessage> PostLoginAsync(string username, string password, string location, string? origin = null)
    {
        var body = JsonSerializer.Serialize(new { username, password, location });
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (origin is not null) request.Headers.Add("Origin", origin);
        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dir, true);
    }
}
