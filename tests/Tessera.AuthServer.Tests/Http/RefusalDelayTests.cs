using System.Net;
using System.Text.Json.Nodes;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Http;

/// <summary>
/// Every refusal is answered no sooner than <c>refusalDelay</c> after the request arrived, so an
/// unknown user, a plain-password user and a bcrypt user cannot be told apart by timing. The
/// server's clock is the test's manual clock: the lower bound is asserted on it exactly (the
/// refusal is held by a timer not due before the delay); the distributions are in
/// bench/Tessera.Bench.AuthServer.
/// </summary>
public class RefusalDelayTests
{
    [Fact]
    public async Task Every_kind_of_refusal_takes_at_least_the_delay()
    {
        var users = new JsonObject
        {
            ["users"] = new JsonObject
            {
                ["plain"] = new JsonObject { ["password"] = "plain-pw" },
                ["hashed"] = new JsonObject { ["password"] = new JsonObject { ["type"] = "bcrypt", ["key"] = BCrypt.Net.BCrypt.HashPassword("hashed-pw", 4) } },
            },
        };
        await using var server = await TestAuthServer.StartAsync(c => c["refusalDelay"] = 0.3, users: users);
        var lab = TestAuthServer.Conference + "group/lab/";
        var idle = server.Time.PendingTimers;
        foreach (var (user, password) in new[] { ("nobody-here", "x"), ("plain", "wrong"), ("hashed", "wrong"), ("not/valid", "x") })
        {
            var response = server.PostLoginAsync(user, password, lab);
            // The server's clock stands still until moved: the refusal waits on a timer of it.
            await Eventually.True(() => server.Time.PendingTimers == idle + 1, $"{user}: the refusal waits on the clock");
            server.Time.Advance(TimeSpan.FromMilliseconds(299));
            Assert.True(server.Time.PendingTimers == idle + 1, $"{user}: the refusal's timer fell due before 300 ms");
            Assert.False(response.IsCompleted, $"{user}: answered before 300 ms");
            server.Time.Advance(TimeSpan.FromMilliseconds(20)); // past the floor and the server's margin for early timers
            Assert.Equal(HttpStatusCode.Unauthorized, (await Eventually.Completes(response)).StatusCode);
        }
        // A success is not padded: it reveals nothing a right password did not already know.
        Assert.Equal(HttpStatusCode.OK, (await server.PostLoginAsync("plain", "plain-pw", lab)).StatusCode);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public async Task An_unreasonable_delay_is_a_configuration_error(double seconds) =>
        await Assert.ThrowsAsync<Tessera.AuthServer.Configuration.ConfigException>(() => TestAuthServer.StartAsync(c => c["refusalDelay"] = seconds));
}
