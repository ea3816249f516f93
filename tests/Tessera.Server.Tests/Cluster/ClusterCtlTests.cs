using Tessera.Server.Tests.Admin;

namespace Tessera.Server.Tests.Cluster;

/// <summary>Operating three real nodes: <c>tessera-ctl cluster</c> and <c>drain</c>, and metrics labelled by node.</summary>
[Collection(TestCluster.Collection)]
public sealed class ClusterCtlTests
{
    [Fact]
    public async Task The_tool_shows_every_node_and_drains_one_through_any_other()
    {
        await using var cluster = await TestCluster.StartAsync("hall");
        var home = Directory.CreateTempSubdirectory("tessera-ctl-").FullName;
        try
        {
            var ctl = new CtlProcess(home);
            Task<(int Exit, string Out, string Err)> Run(int node, params string[] args) =>
                ctl.RunAsync("", ["-server", TestCluster.BaseUrl(cluster.Nodes[node]!), "-admin-username", TestCluster.AdminUser,
                                  "-admin-password", TestCluster.AdminPassword, .. args]);

            // Placing a group shows on its host's line once the host's heartbeat says so.
            await (await ClusterClient.JoinAsync(TestCluster.BaseUrl(cluster.Nodes[0]!), "hall", "speaker")).Client.DisposeAsync();
            var (exit, shown, error) = await Run(0, "cluster");
            Assert.True(exit == 0, error);
            foreach (var node in cluster.Live)
                Assert.Contains(TestCluster.NodeId(node), shown);
            Assert.Equal(3, shown.Split('\n').Count(l => l.Contains("serving")));

            var target = TestCluster.NodeId(cluster.Nodes[1]!);
            var drained = await Run(2, "drain", target);
            Assert.True(drained.Exit == 0, drained.Err);
            var after = (await Run(0, "cluster")).Out.Split('\n');
            Assert.Contains("draining", after.Single(l => l.StartsWith(target, StringComparison.Ordinal)));

            var unknown = await Run(0, "drain", "nowhere:1");
            Assert.Equal(1, unknown.Exit);
            Assert.Contains("no live node", unknown.Err);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Every_metric_of_a_node_carries_its_name()
    {
        const string config = """
            {"users": {"root": {"password": "rootpw", "permissions": "admin"}}, "metrics": {"enabled": true, "allowFrom": ["127.0.0.1"]}}
            """;
        await using var cluster = await TestCluster.StartWithConfigAsync(config);
        using var http = new HttpClient();
        foreach (var node in cluster.Live)
        {
            var samples = await PrometheusText.ParseAsync(await http.GetStringAsync(TestCluster.BaseUrl(node) + "/metrics"));
            Assert.NotEmpty(samples);
            var label = "node=" + TestCluster.NodeId(node);
            Assert.All(samples.Keys, key => Assert.True(key.Contains(label + ",") || key.Contains(label + "}"), key));
        }
    }
}
