using System.Net;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;
using Tessera.AuthServer.Configuration;
using Tessera.AuthServer.Tests.Support;
using Tessera.Server.Tests.Support;

namespace Tessera.AuthServer.Tests.Configuration;

/// <summary>tessera-auth re-reads its configuration file while running, like the conference server.</summary>
public sealed class ConfigReloadTests
{
    private static JsonObject Read(TestAuthServer server) => JsonNode.Parse(File.ReadAllText(server.ConfigPath))!.AsObject();

    /// <summary>Writes the edited file and moves the clock past the next look at it.</summary>
    private static void Edit(TestAuthServer server, Action<JsonObject> edit)
    {
        var json = Read(server);
        edit(json);
        File.WriteAllText(server.ConfigPath, json.ToJsonString());
        File.SetLastWriteTimeUtc(server.ConfigPath, DateTime.UtcNow.AddSeconds(1)); // a new stamp even on a coarse clock
        server.Time.Advance(TimeSpan.FromSeconds(3));
    }

    private static async Task<string> Jwks(TestAuthServer server) => await server.Client.GetStringAsync(".well-known/jwks.json");

    [Fact]
    public async Task A_new_signing_key_is_published_without_a_restart()
    {
        var log = new List<string>();
        await using var server = await TestAuthServer.StartAsync(log: new ListLoggerProvider(log));
        var oldX = (string)JsonNode.Parse(await Jwks(server))!["keys"]![0]!["x"]!;

        Edit(server, c => c["keys"] = new JsonArray(JsonNode.Parse(JsonWebKeyGenerator.Generate("ES256", "k2"))));

        var jwks = await Eventually.Value(() => Jwks(server), j => j.Contains("\"kid\":\"k2\""), "the new key published");
        Assert.DoesNotContain(oldX, jwks);
        lock (log) Assert.Contains(log, l => l.Contains("configuration reloaded"));
    }

    [Fact]
    public async Task A_bad_edit_is_logged_with_its_place_and_the_last_good_configuration_stays()
    {
        var log = new List<string>();
        await using var server = await TestAuthServer.StartAsync(log: new ListLoggerProvider(log));
        var before = await Jwks(server);

        File.WriteAllText(server.ConfigPath, "{\n  \"listen\": \"127.0.0.1:1\",\n  \"tokenLifetme\": 5\n}");
        server.Time.Advance(TimeSpan.FromSeconds(3));

        await Eventually.True(() => { lock (log) return log.Any(l => l.StartsWith("Error") && l.Contains("keeping the configuration in force")); },
                              "the bad edit logged");
        lock (log) Assert.Contains(log, l => l.Contains("unknown field \"tokenLifetme\" at line 3") && l.Contains("did you mean \"tokenLifetime\"?"));
        Assert.Equal(before, await Jwks(server));
        var login = await server.Client.PostAsync("", new StringContent(
            """{"username":"john","password":"john-pw","location":"https://meet.example.org/group/g/"}""",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task The_portal_can_be_turned_on_and_a_listen_change_is_said_to_need_a_restart()
    {
        var log = new List<string>();
        await using var server = await TestAuthServer.StartAsync(c => c["portal"] = false, log: new ListLoggerProvider(log));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await server.Client.GetAsync("")).StatusCode);

        Edit(server, c =>
        {
            c["portal"] = true;
            c["listen"] = "127.0.0.1:1";
        });

        await Eventually.Value(async () => (await server.Client.GetAsync("")).StatusCode, s => s == HttpStatusCode.OK, "the portal served");
        lock (log) Assert.Contains(log, l => l.StartsWith("Warning") && l.Contains("take effect at the next start"));
    }
}
