using System.Net;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>
/// Online guessing is throttled per address and per user, without letting an attacker lock the
/// real user out. The "attacker" connects from 127.0.0.2, the user from 127.0.0.1.
/// </summary>
public class ThrottleTests
{
    private const string Group = """{"users": {"alice": {"password": "correct horse", "permissions": "present"}}}""";

    private static async Task<string> Attempt(TestServer s, IPAddress from, string password, string user = "alice")
    {
        await using var c = await WsClient.ConnectAsync(s.WebSocketUrl, from: from);
        await c.HandshakeAsync();
        var joined = await c.JoinAsync("g", user, password);
        return joined.Kind == "join" ? "join" : (string)joined.Value!;
    }

    [Fact]
    public async Task GuessingIsCutOffButTheRealUserStillGetsIn()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        var attacker = IPAddress.Parse("127.0.0.2");
        var user = IPAddress.Loopback;
        for (var i = 0; i < 6; i++) Assert.Equal("not authorised", await Attempt(s, attacker, $"guess{i}"));
        // Now even the right password from the attacker's address is refused unchecked…
        Assert.Equal("not authorised", await Attempt(s, attacker, "correct horse"));
        // …while alice, from her own machine, is not locked out.
        Assert.Equal("join", await Attempt(s, user, "correct horse"));
    }

    [Fact]
    public async Task ThrottlingEndsAfterTheDelay()
    {
        var time = new ShiftedTime();
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group), time: time);
        var attacker = IPAddress.Parse("127.0.0.2");
        for (var i = 0; i < 6; i++) await Attempt(s, attacker, "wrong");
        Assert.Equal("not authorised", await Attempt(s, attacker, "correct horse"));
        time.Offset = TimeSpan.FromMinutes(20);
        Assert.Equal("join", await Attempt(s, attacker, "correct horse"));
    }
}
