using System.Diagnostics;
using Tessera.Server.Tests.Support;
using Xunit.Abstractions;

namespace Tessera.Server.Tests.Cluster;

/// <summary>What happens when a node dies, pauses, or Redis restarts: groups come back, never on two nodes at once.</summary>
[Collection(TestCluster.Collection)]
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_host_moves_its_group_and_no_two_nodes_serve_it_at_once()
    {
        await using var cluster = await TestCluster.StartAsync("class");
        var (alice, _) = await ClusterClient.JoinAsync(TestCluster.BaseUrl(cluster.Nodes[0]!), "class", "alice");
        var (bob, _) = await ClusterClient.JoinAsync(TestCluster.BaseUrl(cluster.Nodes[1]!), "class", "bob");
        var host = await cluster.AwaitHostAsync("class");

        var clock = Stopwatch.StartNew();
        await cluster.KillAsync(host);
        await alice.ReceiveUntilClosedAsync(); // both members lose their connection with the host
        await bob.ReceiveUntilClosedAsync();
        await alice.DisposeAsync();
        await bob.DisposeAsync();

        // While the clients retry, each surviving node is asked what it serves: at most one, ever.
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested) await cluster.HostOfAsync("class");
        });
        var survivor = cluster.Live.First();
        var (alice2, endpoint) = await ClusterClient.RejoinAsync(TestCluster.BaseUrl(survivor), "class", "alice");
        output.WriteLine($"served again {clock.Elapsed.TotalSeconds:F1} s after the kill (lease 5 s); load average {File.ReadAllText("/proc/loadavg").Trim()}");
        await using var a2 = alice2;
        var (bob2, _) = await ClusterClient.RejoinAsync(TestCluster.BaseUrl(cluster.Live.Last()), "class", "bob");
        await using var b2 = bob2;
        watching.Cancel();
        await watcher;

        Assert.DoesNotContain($":{host.Port}/", endpoint);
        await ClusterClient.ChatAsync(alice2, bob2, "we are back");
        await cluster.AwaitHostAsync("class");
    }

    [Fact]
    public async Task A_paused_host_that_lost_its_lease_stops_serving_the_group_when_it_resumes()
    {
        await using var cluster = await TestCluster.StartAsync("seminar");
        var (alice, _) = await ClusterClient.JoinAsync(TestCluster.BaseUrl(cluster.Nodes[0]!), "seminar", "alice");
        await using var a = alice;
        var host = await cluster.AwaitHostAsync("seminar");
        var other = cluster.Live.First(n => n != host);

        host.Signal(19); // SIGSTOP: the host can neither renew nor notice
        try
        {
            // Its lease runs out in Redis and the next join places the group elsewhere.
            var (bob, endpoint) = await ClusterClient.RejoinAsync(TestCluster.BaseUrl(other), "seminar", "bob");
            await using var b = bob;
            Assert.DoesNotContain($":{host.Port}/", endpoint);

            host.Signal(18); // SIGCONT
            // On resume the old host closes its member's connection and claims nothing.
            await alice.ReceiveUntilClosedAsync();
            Assert.DoesNotContain("seminar", await TestCluster.HostingAsync(host));
            Assert.NotEqual(host, await cluster.HostOfAsync("seminar"));
            await bob.RoundTripAsync(); // the new host still serves bob
        }
        finally
        {
            host.Signal(18);
        }
    }

    [Fact]
    public async Task After_a_Redis_restart_the_nodes_register_again_and_serve_groups()
    {
        await using var cluster = await TestCluster.StartAsync("before", "after");
        var (alice, _) = await ClusterClient.JoinAsync(TestCluster.BaseUrl(cluster.Nodes[0]!), "before", "alice");
        await using var a = alice;

        await cluster.Redis.RestartAsync(); // empty: no persistence

        var first = cluster.Nodes[0]!;
        await Eventually.True(async () =>
        {
            try
            {
                return (await TestCluster.ViewAsync(first))["nodes"]!.AsArray().Count == 3;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "all three nodes registered again");
        // A new group is placed and served across nodes.
        var (carol, _) = await ClusterClient.RejoinAsync(TestCluster.BaseUrl(cluster.Nodes[1]!), "after", "carol");
        await using var c = carol;
        var (dave, _) = await ClusterClient.RejoinAsync(TestCluster.BaseUrl(cluster.Nodes[2]!), "after", "dave");
        await using var d = dave;
        await ClusterClient.ChatAsync(carol, dave, "after the restart");
        // The group that was live through the restart is served by exactly one node, which alice can reach.
        var (erin, _) = await ClusterClient.RejoinAsync(TestCluster.BaseUrl(cluster.Nodes[2]!), "before", "erin");
        await using var e = erin;
        await cluster.AwaitHostAsync("before");
    }

    [Fact]
    public async Task A_node_stopped_by_SIGTERM_hands_its_groups_over_at_once()
    {
        await using var cluster = await TestCluster.StartAsync("talk");
        var (alice, _) = await ClusterClient.JoinAsync(TestCluster.BaseUrl(cluster.Nodes[0]!), "talk", "alice");
        await using var a = alice;
        var host = await cluster.AwaitHostAsync("talk");

        var exit = host.TerminateAsync();
        var closing = await alice.ReceiveUntilClosedAsync();
        // Closed as "going away", not kicked: the browser reconnects instead of giving up.
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, alice.CloseStatus);
        Assert.DoesNotContain(closing, m => (string?)m["kind"] == "kicked");
        Assert.Equal(0, await exit);
        cluster.Nodes[Array.IndexOf(cluster.Nodes, host)] = null;

        // Its lease was released, not left to expire: the very first try lands on another node.
        var (again, endpoint) = await ClusterClient.JoinAsync(TestCluster.BaseUrl(cluster.Live.First()), "talk", "alice");
        await using var a2 = again;
        Assert.DoesNotContain($":{host.Port}/", endpoint);
    }
}
