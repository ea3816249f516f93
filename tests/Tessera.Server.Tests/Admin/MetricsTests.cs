using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Admin;

/// <summary><c>/metrics</c>, read by Prometheus's own Python parser (Debian's python3-prometheus-client).</summary>
public class MetricsTests
{
    private const string Lab = """{"users": {"alice": {"password": "alicepw", "permissions": "op"}}}""";

    [Fact]
    public async Task Off_unless_enabled_then_only_for_listed_addresses_or_administrators()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("lab", Lab));
        using (var off = await s.Http.GetAsync("/metrics")) Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);

        s.WriteConfig("""{"metrics": {"enabled": true, "allowFrom": ["10.0.0.0/8"]}, "users": {"root": {"password": "rootpw", "permissions": "admin"}}}""");
        using (var elsewhere = await s.Http.GetAsync("/metrics")) Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        using (var wrong = await AdminClient.Basic(s.Http, "root", "guess").SendRawAsync("/metrics"))
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        using (var admin = await AdminClient.Basic(s.Http, "root", "rootpw").SendRawAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
            Assert.StartsWith("text/plain; version=0.0.4", admin.Content.Headers.ContentType!.ToString());
        }
        s.WriteConfig("""{"metrics": {"enabled": true, "allowFrom": ["127.0.0.1"]}}""");
        using (var listed = await s.Http.GetAsync("/metrics")) Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    [Fact]
    public async Task Counters_move_with_joins_refusals_and_token_checks()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Config("""{"metrics": {"enabled": true, "allowFrom": ["127.0.0.1", "::1"]}}""");
            f.Group("lab", Lab);
        });
        var before = await PrometheusText.ParseAsync(await s.Http.GetStringAsync("/metrics"));
        Assert.Equal(0, before["tessera_clients{}"]);
        Assert.True(before["process_cpu_seconds_total{}"] > 0);
        Assert.True(before["process_working_set_bytes{}"] > 0);
        Assert.Equal(0, before["tessera_media_forwarded_packets_total{}"]);

        await using var alice = await s.JoinAsync("lab", "alice", "alicepw");
        await using (var wrong = await s.ConnectAsync()) Assert.Equal("fail", (await wrong.JoinAsync("lab", "alice", "nope")).Kind);
        await using (var unknown = await s.ConnectAsync()) Assert.Equal("fail", (await unknown.JoinAsync("lab", null, token: "not-a-token")).Kind);
        await using (var missing = await s.ConnectAsync()) Assert.Equal("fail", (await missing.JoinAsync("nowhere", "x", "y")).Kind);

        var after = await PrometheusText.ParseAsync(await s.Http.GetStringAsync("/metrics"));
        Assert.Equal(1, after["tessera_groups{}"]);
        Assert.Equal(1, after["tessera_clients{}"]);
        Assert.Equal(1, after["tessera_joins_total{credential=password}"]);
        Assert.Equal(2, after["tessera_join_refusals_total{reason=not-authorised}"]);
        Assert.Equal(1, after["tessera_join_refusals_total{reason=no-such-group}"]);
        Assert.Equal(1, after["tessera_token_verifications_total{algorithm=,kind=stateful,result=refused}"]);
    }
}
