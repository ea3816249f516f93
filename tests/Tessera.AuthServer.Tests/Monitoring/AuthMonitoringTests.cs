using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Tessera.AuthServer.Tests.Support;
using Tessera.Server.Tests.Support;

namespace Tessera.AuthServer.Tests.Monitoring;

/// <summary>tessera-auth's audit line per issued token, and its <c>/metrics</c> read by Prometheus's own parser.</summary>
public sealed class AuthMonitoringTests
{
    private const string Lab = TestAuthServer.Conference + "group/lab/";

    [Fact]
    public async Task Each_token_leaves_an_audit_line_and_the_counters_move()
    {
        var log = new List<string>();
        await using var server = await TestAuthServer.StartAsync(
            c => c["metrics"] = new JsonObject { ["enabled"] = true, ["allowFrom"] = new JsonArray("127.0.0.0/8", "::1") },
            log: new ListLoggerProvider(log));
        using (var ok = await server.PostLoginAsync("john", "john-pw", Lab)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var wrong = await server.PostLoginAsync("john", "wrong-pw", Lab)) Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using (var unknown = await server.PostLoginAsync("zed", "zed-pw", Lab)) Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);

        lock (log)
        {
            var audit = Assert.Single(log, l => l.Contains("token issued"));
            Assert.Contains("user john group lab from 127.0.0.1 backend", audit);
            Assert.Contains("permissions [present,message]", audit);
            Assert.DoesNotContain(log, l => l.Contains("john-pw") || l.Contains("wrong-pw") || l.Contains("eyJ"));
        }

        var samples = await PrometheusText.ParseAsync(await server.Client.GetStringAsync("/metrics"));
        Assert.Equal(1, samples.Single(s => s.Key.StartsWith("tessera_auth_tokens_issued_total{")).Value);
        Assert.Equal(1, samples.Single(s => s.Key.StartsWith("tessera_auth_logins_refused_total{") && s.Key.Contains("reason=wrong-password")).Value);
        Assert.Equal(1, samples["tessera_auth_logins_refused_total{backend=,reason=unknown-user}"]);
        Assert.Equal(3, samples.Single(s => s.Key.StartsWith("tessera_auth_backend_seconds_count{")).Value);
    }

    [Fact]
    public async Task Metrics_are_off_by_default_and_closed_to_unlisted_addresses()
    {
        await using (var off = await TestAuthServer.StartAsync())
        using (var response = await off.Client.GetAsync("/metrics"))
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await using var elsewhere = await TestAuthServer.StartAsync(c => c["metrics"] = JsonNode.Parse("""{"enabled": true, "allowFrom": ["192.0.2.0/24"]}"""));
        using var refused = await elsewhere.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
