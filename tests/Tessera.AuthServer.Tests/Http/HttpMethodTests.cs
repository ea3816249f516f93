using Tessera.AuthServer.Tests.Support;
using Tessera.Server.Tests.Support;

namespace Tessera.AuthServer.Tests.Http;

/// <summary>Every route of tessera-auth with methods it does not serve: 405 with Allow, never 500, no trace in the log.</summary>
public class HttpMethodTests
{
    [Fact]
    public async Task Unserved_methods_answer_405_with_allow_and_leave_no_trace()
    {
        var log = new List<string>();
        await using var server = await TestAuthServer.StartAsync(log: new ListLoggerProvider(log));
        var routes = new Dictionary<string, string>
        {
            ["/"] = "GET, OPTIONS, POST",
            ["/login"] = "POST",
            ["/.well-known/jwks.json"] = "GET",
        };
        foreach (var (path, allowed) in routes)
            foreach (var method in new[] { "CONNECT", "TRACE", "PROPFIND", "FOO", "PUT", "DELETE", "PATCH" })
            {
                var reply = await RawHttp.SendAsync(server.BaseAddress, method, path);
                Assert.True(reply.Status == 405, $"{method} {path}: {reply.Status}");
                Assert.Equal(allowed, Normalise(reply.Headers["Allow"]));
            }
        Assert.Equal(404, (await RawHttp.SendAsync(server.BaseAddress, "CONNECT", "/nothing-here")).Status);
        lock (log) Assert.DoesNotContain(log, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    private static string Normalise(string allow) =>
        string.Join(", ", allow.Split(',', StringSplitOptions.TrimEntries).Distinct().Order(StringComparer.Ordinal));
}
