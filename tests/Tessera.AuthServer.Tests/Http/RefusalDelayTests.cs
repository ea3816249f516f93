using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Http;

/// <summary>
/// Every refusal is answered no sooner than <c>refusalDelay</c> after the request arrived, so an
/// unknown user, a plain-password user and a bcrypt user cannot be told apart by timing. Only a
/// lower bound is asserted (a delay never ends early); the distributions are in
/// bench/Tessera.Bench.AuthServer.
/// </summary>
public class RefusalDelayTests
{
    [Fact]
    public async Task EveryKindOfRefusalTakesAtLeastTheDelay()
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
        foreach (var (user, password) in new[] { ("nobody-here", "x"), ("plain", "wrong"), ("hashed", "wrong"), ("not/valid", "x") })
        {
            var clock = Stopwatch.StartNew();
            var response = await server.PostLoginAsync(user, password, lab);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            // The floor is 300 ms on the server's clock; ours started earlier, so it reads at least that.
            Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(299), $"{user}: {clock.Elapsed.TotalMilliseconds} ms");
        }
        // A success is not padded: it reveals nothing a right password did not already know.
        Assert.Equal(HttpStatusCode.OK, (await server.PostLoginAsync("plain", "plain-pw", lab)).StatusCode);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public async Task AnUnreasonableDelayIsAConfigurationError(double seconds) =>
        await Assert.ThrowsAsync<Tessera.AuthServer.Configuration.ConfigException>(() => TestAuthServer.StartAsync(c => c["refusalDelay"] = seconds));
}
