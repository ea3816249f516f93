using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Cluster;

/// <summary>Placement of groups on three real nodes through a real Redis: one host per group, any node answers for any group.</summary>
[Collection(TestCluster.Collection)]
public sealed class ClusterPlacementTests
{
    private const string Lecture = "lecture hall é";
    private const string LecturePath = "lecture%20hall%20%C3%A9";

    [Fact]
    public async Task Two_clients_through_different_nodes_end_up_in_one_group_and_chat()
    {
        await using var cluster = await TestCluster.StartAsync(Lecture);
        var (n1, n2, n3) = (cluster.Nodes[0]!, cluster.Nodes[1]!, cluster.Nodes[2]!);

        var (alice, aliceEndpoint) = await ClusterClient.JoinAsync(TestCluster.BaseUrl(n1), Lecture, "alice");
        await using var _ = alice;
        // Every node's .status names the same endpoint: the host's.
        foreach (var node in new[] { n2, n3 })
            Assert.Equal(aliceEndpoint, (string?)(await ClusterClient.StatusAsync($"{TestCluster.BaseUrl(node)}/group/{LecturePath}/"))["endpoint"]);

        // Bob opens his WebSocket on a node that does not host the group: he is redirected to the
        // group's page, whose .status leads him to the host.
        var host = await cluster.AwaitHostAsync(Lecture);
        var other = cluster.Live.First(n => n != host);
        var (wrong, refused) = await ClusterClient.JoinAtAsync($"ws://127.0.0.1:{other.Port}/ws", Lecture, "bob");
        await wrong.DisposeAsync();
        Assert.Equal("redirect", refused.Kind);
        Assert.EndsWith($"/group/{LecturePath}/", (string?)refused.Value); // a URL: the name's space and accent escaped

        var (bob, bobEndpoint) = await ClusterClient.JoinAsync(TestCluster.BaseUrl(other), Lecture, "bob");
        await using var __ = bob;
        Assert.Equal(aliceEndpoint, bobEndpoint);
        await alice.ReceiveAsync("user", where: m => (string?)m["kind"] == "add" && (string?)m["username"] == "bob");
        await ClusterClient.ChatAsync(bob, alice, "hello from bob");
        await ClusterClient.ChatAsync(alice, bob, "hello from alice");

        // public-groups.json, from any node, shows the host and its member count.
        using var http = new HttpClient();
        var list = JsonNode.Parse(await http.GetStringAsync(TestCluster.BaseUrl(other) + "/public-groups.json"))!.AsArray();
        var entry = list.Single(g => (string?)g!["name"] == Lecture)!;
        Assert.Equal(TestCluster.NodeId(host!), (string?)entry["node"]);
        await Eventually.True(async () =>
        {
            var l = JsonNode.Parse(await http.GetStringAsync(TestCluster.BaseUrl(other) + "/public-groups.json"))!.AsArray();
            return (int?)l.Single(g => (string?)g!["name"] == Lecture)!["clientCount"] == 2;
        }, "the host's member count reaches the other nodes");
    }

    [Fact]
    public async Task Thirty_groups_spread_over_the_nodes()
    {
        var names = Enumerable.Range(0, 30).Select(i => $"room{i:00}").ToArray();
        await using var cluster = await TestCluster.StartAsync(names);
        await using var members = await ClusterClient.JoinEachAsync(names, i => TestCluster.BaseUrl(cluster.Nodes[i % 3]!));
        var hosted = new List<IReadOnlyList<string>>();
        foreach (var node in cluster.Live) hosted.Add(await TestCluster.HostingAsync(node));
        Assert.Equal(names.Order(), hosted.SelectMany(h => h).Order()); // every group, each on one node only
        Assert.All(hosted, h => Assert.True(h.Count <= 15, $"one node hosts {h.Count} of 30 groups"));
    }

    [Fact]
    public async Task A_drained_node_takes_no_new_group_and_keeps_its_own()
    {
        var names = Enumerable.Range(0, 6).Select(i => $"new{i}").Append("kept").ToArray();
        await using var cluster = await TestCluster.StartAsync(names);
        var (keeper, _) = await ClusterClient.JoinAsync(TestCluster.BaseUrl(cluster.Nodes[0]!), "kept", "keeper");
        await using var k = keeper;
        var drained = await cluster.AwaitHostAsync("kept");

        using (var http = TestCluster.AdminHttp())
        {
            var answer = await http.PostAsync($"{TestCluster.BaseUrl(cluster.Live.First(n => n != drained))}/galene-api/v0/.cluster/{TestCluster.NodeId(drained)}/.drain", null);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, answer.StatusCode);
        }
        await Eventually.True(async () => (await TestCluster.ViewAsync(drained))["nodes"]!.AsArray()
            .Any(n => (string?)n!["node"] == TestCluster.NodeId(drained) && (bool)n["draining"]!), "the drain mark is visible");

        var fresh = names.Where(n => n != "kept").ToList();
        await using var members = await ClusterClient.JoinEachAsync(fresh, _ => TestCluster.BaseUrl(drained));
        Assert.Equal(["kept"], await TestCluster.HostingAsync(drained));
        await keeper.RoundTripAsync(); // still served where it was
    }
}
