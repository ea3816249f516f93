using System.Net;
using System.Text.Json.Nodes;
using Tessera.Protocol;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>
/// Online guessing is throttled without ever refusing a valid credential because of someone
/// else's failures. The "attacker" connects from 127.0.0.2, the user from 127.0.0.1; a school
/// behind one NAT is many people on one address.
/// </summary>
public class ThrottleTests
{
    private const string TooMany = "too many failed attempts from your address; try again in ";
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress School = IPAddress.Parse("127.0.0.3");

    /// <summary>A first wait of 5 minutes, not 1 s, so that a slow machine cannot outlast it between two attempts.</summary>
    private const string SlowRelease = """{"loginThrottle": {"baseDelay": 300}}""";

    private static string Group(Tokens keys) => new JsonObject
    {
        ["users"] = new JsonObject
        {
            ["alice"] = new JsonObject { ["password"] = "correct horse", ["permissions"] = "present" },
            ["bob"] = new JsonObject { ["password"] = "battery staple", ["permissions"] = "present" },
        },
        ["authKeys"] = new JsonArray(keys.PublicJwk.DeepClone()),
    }.ToJsonString();

    private static async Task<Message> Join(TestServer s, IPAddress from, string? user, string? password = null, string? token = null)
    {
        await using var c = await WsClient.ConnectAsync(s.WebSocketUrl, from: from);
        await c.HandshakeAsync();
        return await c.JoinAsync("g", user, password, token);
    }

    private static async Task<string> Attempt(TestServer s, IPAddress from, string password, string user = "alice")
    {
        var joined = await Join(s, from, user, password);
        return joined.Kind == "join" ? "join" : (string)joined.Value!;
    }

    private static Task<TestServer> Start(Tokens keys, TimeProvider? time = null, string? config = null) =>
        TestServer.StartAsync(f =>
        {
            f.Group("g", Group(keys));
            if (config is not null) f.Config(config);
        }, configure: o =>
        {
            // An invitation for the group, as tessera-ctl or an op would have made it.
            Directory.CreateDirectory(Path.Combine(o.Data, "var"));
            File.WriteAllText(Path.Combine(o.Data, "var", "tokens.jsonl"),
                """{"token":"invitation-0123456789abcdef","group":"g","username":"guest","permissions":["present"],"expires":"2099-01-01T00:00:00Z"}""" + "\n");
            return o;
        }, time: time);

    [Fact]
    public async Task Guessing_is_cut_off_with_a_message_that_says_so_but_the_real_user_still_gets_in()
    {
        var keys = Tokens.Es256();
        await using var s = await Start(keys, config: SlowRelease);
        for (var i = 0; i < 5; i++) Assert.Equal("not authorised", await Attempt(s, Attacker, $"guess{i}"));
        // Now even the right password from the attacker's address is refused unchecked, and says why…
        var refused = await Join(s, Attacker, "alice", "correct horse");
        Assert.Equal("fail", refused.Kind);
        Assert.Equal(Texts.TooManyAttemptsError, refused.Error);
        Assert.StartsWith(TooMany, (string?)refused.Value);
        // …while alice, from her own machine, is not locked out.
        Assert.Equal("join", await Attempt(s, IPAddress.Loopback, "correct horse"));
    }

    [Fact]
    public async Task Throttling_ends_after_the_delay()
    {
        var time = new ShiftedTime();
        var keys = Tokens.Es256();
        await using var s = await Start(keys, time, SlowRelease);
        for (var i = 0; i < 5; i++) await Attempt(s, Attacker, "wrong");
        Assert.StartsWith(TooMany, await Attempt(s, Attacker, "correct horse"));
        time.Offset = TimeSpan.FromMinutes(20);
        Assert.Equal("join", await Attempt(s, Attacker, "correct horse"));
    }

    [Fact]
    public async Task Behind_one_address_others_failures_never_refuse_a_valid_credential()
    {
        var keys = Tokens.Es256();
        await using var s = await Start(keys);
        var host = s.Url.Authority;
        // A class behind one NAT: stale invitation links, expired and garbage tokens, mistyped passwords.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("not authorised", (string?)(await Join(s, School, null, token: "stale-invitation-" + i)).Value);
            Assert.Equal("not authorised", (string?)(await Join(s, School, null,
                token: keys.Mint(host, "g", edit: c => c["exp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600))).Value);
            Assert.Equal("not authorised", await Attempt(s, School, "typo" + i, user: i % 2 == 0 ? "alice" : "pupil" + i));
        }
        // 30 failures from the address: every valid credential from it still gets in.
        Assert.Equal("join", (await Join(s, School, null, token: keys.Mint(host, "g"))).Kind);
        Assert.Equal("join", (await Join(s, School, "guest", token: "invitation-0123456789abcdef")).Kind);
        Assert.Equal("join", await Attempt(s, School, "battery staple", user: "bob"));
    }

    [Fact]
    public async Task A_flood_of_attempts_is_cut_off_by_the_rate_which_a_client_that_waits_gets_back()
    {
        // Stopped: on a loaded machine the joins below took long enough on the running clock for the
        // bucket to refill a little, and the announced wait became 1 s instead of 2.
        var time = new ShiftedTime { StoppedAt = DateTimeOffset.UtcNow };
        var keys = Tokens.Es256();
        await using var s = await Start(keys, time, """{"loginThrottle": {"attemptBurst": 3, "attemptsPerSecond": 0.5}}""");
        for (var i = 0; i < 3; i++)
            Assert.Equal("not authorised", (string?)(await Join(s, Attacker, null, token: "garbage" + i)).Value);
        // Over the rate: refused before anything is checked, with the time to wait.
        var flooded = await Join(s, Attacker, null, token: keys.Mint(s.Url.Authority, "g"));
        Assert.Equal(Texts.TooManyAttemptsError, flooded.Error);
        Assert.Equal(TooMany + "2 s", (string?)flooded.Value);
        // Other addresses are not concerned…
        Assert.Equal("join", (await Join(s, School, null, token: keys.Mint(s.Url.Authority, "g"))).Kind);
        // …and once the announced time has passed, the valid token gets in.
        time.Offset += TimeSpan.FromSeconds(2);
        Assert.Equal("join", (await Join(s, Attacker, null, token: keys.Mint(s.Url.Authority, "g"))).Kind);
    }

    [Fact]
    public async Task A_flood_over_the_rate_does_not_flood_the_log()
    {
        var keys = Tokens.Es256();
        var log = new List<string>();
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", Group(keys));
            f.Config("""{"loginThrottle": {"attemptBurst": 2, "attemptsPerSecond": 0.001}}""");
        }, logSink: log);
        for (var i = 0; i < 2; i++) await Join(s, Attacker, null, token: "garbage" + i);
        int before;
        lock (log) before = log.Count(l => !l.StartsWith("Debug", StringComparison.Ordinal));
        for (var i = 0; i < 30; i++)
            Assert.Equal(Texts.TooManyAttemptsError, (await Join(s, Attacker, null, token: "garbage")).Error);
        lock (log) Assert.Equal(before, log.Count(l => !l.StartsWith("Debug", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_bad_login_throttle_setting_is_reported_and_the_defaults_stay()
    {
        var keys = Tokens.Es256();
        var log = new List<string>();
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", Group(keys));
            f.Config("""{"loginThrottle": {"attemptBurst": 0}}""");
        }, logSink: log);
        Assert.Equal("join", await Attempt(s, IPAddress.Loopback, "correct horse"));
        lock (log) Assert.Contains(log, l => l.Contains("loginThrottle: attemptBurst must be at least 1", StringComparison.Ordinal));
    }
}
