using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Tessera.Server.Cluster;

namespace Tessera.Server.Tests.Cluster;

/// <summary>
/// A node's lease renewals against a real Redis: all its leases in one script call per batch,
/// each still checked against its own fencing number.
/// </summary>
[Collection(TestCluster.Collection)]
public sealed class LeaseRenewalTests
{
    [Fact]
    public async Task Every_lease_of_a_node_is_renewed_in_one_call_per_batch_and_a_lost_lease_is_dropped_alone()
    {
        await using var redis = await RedisServer.StartAsync();
        // One heartbeat keeps the node alive, and a lease is held, while 600 groups are placed and then
        // checked one by one, which took more than the default 3 s and 5 s on a loaded machine.
        var settings = new ClusterSettings(redis.Url, "http://127.0.0.1:1") { NodeTtl = TimeSpan.FromMinutes(2), LeaseTime = TimeSpan.FromMinutes(2) };
        await using var node = await RedisCluster.ConnectAsync(settings, () => null, TimeProvider.System, NullLogger.Instance);
        await node.HeartbeatAsync(new NodeLoad.Sample(0, 0, 0, 0));
        // More groups than one batch holds, so that the batches' seams are crossed too.
        var groups = Enumerable.Range(0, RedisCluster.RenewalBatch + 100).Select(i => $"g{i}").ToList();
        foreach (var g in groups) Assert.Equal(node.NodeId, (await node.HostAsync(g, default))!.Node);
        var db = node.Database;
        foreach (var g in groups) await db.KeyExpireAsync(ClusterKeys.Lease(g), TimeSpan.FromSeconds(30)); // renewal must lengthen it

        // Another node took one group after this one's lease had run out in Redis (new fence), and
        // one group lost its lease record altogether (Redis restarted empty).
        await db.HashSetAsync(ClusterKeys.Lease("g3"), [new("node", "elsewhere:1"), new("fence", 999_999)]);
        await db.KeyDeleteAsync(ClusterKeys.Lease("g550"));
        var scriptsBefore = await ScriptCallsAsync(redis);

        var held = node.Leases.All().Select(l => (l, Members: int.Parse(l.Group[1..]))).ToList();
        var lost = await node.RenewAllAsync(held);

        Assert.Equal(2, await ScriptCallsAsync(redis) - scriptsBefore);
        Assert.Equal(["g3"], lost.Select(l => l.Group));
        Assert.False(node.Leases.Holds("g3"));
        Assert.Equal("elsewhere:1", (string?)await db.HashGetAsync(ClusterKeys.Lease("g3"), "node"));
        foreach (var g in groups.Where(g => g != "g3"))
        {
            Assert.True(node.Leases.Holds(g), g);
            var lease = ClusterKeys.Lease(g);
            Assert.Equal(node.NodeId, (string?)await db.HashGetAsync(lease, "node"));
            Assert.Equal(g[1..], (string?)await db.HashGetAsync(lease, "count"));
            Assert.InRange((await db.KeyTimeToLiveAsync(lease))!.Value, TimeSpan.FromSeconds(60), settings.LeaseTime);
        }
        // Taken back under the fence it had.
        var fence = node.Leases.All().Single(l => l.Group == "g550").Fence;
        Assert.Equal(fence, (long)await db.HashGetAsync(ClusterKeys.Lease("g550"), "fence"));
    }

    [Fact]
    public async Task A_join_reaching_the_node_a_short_lease_names_is_served_there_instead_of_redirected_back()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var node = await RedisCluster.ConnectAsync(new ClusterSettings(redis.Url, "http://127.0.0.1:1"), () => null,
                                                               TimeProvider.System, NullLogger.Instance);
        await node.HeartbeatAsync(new NodeLoad.Sample(0, 0, 0, 0));
        // A .status placed the group here long ago (on a loaded machine): what is left of the lease
        // in Redis is shorter than the node's safety margin, and nothing holds it locally.
        Assert.Equal(node.NodeId, (await node.HostAsync("exam", default))!.Node);
        var db = node.Database;
        await db.KeyExpireAsync(ClusterKeys.Lease("exam"), TimeSpan.FromMilliseconds(600));
        node.Leases.Drop("exam", node.Leases.All().Single(l => l.Group == "exam").Fence);

        var placement = await node.PlaceAsync("exam", default);

        // Redirected, the client would read .status, be sent here again, and loop until the lease ran out.
        Assert.Equal(Tessera.Protocol.Groups.Placement.Here, placement);
        Assert.True(node.Leases.Holds("exam"));
        Assert.InRange((await db.KeyTimeToLiveAsync(ClusterKeys.Lease("exam")))!.Value, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
    }

    /// <summary>Scripts Redis has run, by its own count (EVAL and EVALSHA).</summary>
    private static async Task<long> ScriptCallsAsync(RedisServer redis)
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},allowAdmin=true");
        var stats = await admin.GetServer("127.0.0.1", redis.Port).InfoAsync("commandstats");
        return stats.SelectMany(g => g)
                    .Where(p => p.Key is "cmdstat_eval" or "cmdstat_evalsha")
                    .Sum(p => long.Parse(p.Value.Split(',')[0]["calls=".Length..]));
    }
}
