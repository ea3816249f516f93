using Tessera.Protocol;
using Tessera.Protocol.Groups;
using Tessera.Server.WebSockets;

namespace Tessera.Server.Cluster;

/// <summary>
/// Once a tick: gives up groups whose lease ran out by this node's clock (first, so that a node
/// resumed after a pause closes them before anything else), renews the rest in one Redis call, releases groups
/// that stayed empty (at once on a draining node), and publishes the heartbeat. On stop it drains
/// the node and hands its groups back, so their members reconnect to another node.
/// </summary>
public sealed class ClusterMaintenance(RedisCluster cluster, GroupRegistry registry, ConnectionTracker connections,
                                       NodeLoad load, TimeProvider time, ILogger<ClusterMaintenance> logger) : BackgroundService
{
    /// <summary>The close that tells a client to re-read <c>.status</c> and reconnect (1001, going away).</summary>
    public static readonly CloseReason Moved = new(1001, "the group moved to another node");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(cluster.Settings.Tick, time);
        try
        {
            do await TickAsync();
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task TickAsync()
    {
        foreach (var lost in cluster.Leases.TakeExpired())
            Close(lost.Group, "its lease ran out before it could be renewed");

        var held = cluster.Leases.All().Select(lease =>
        {
            var members = registry.Find(lease.Group)?.Count ?? 0;
            cluster.Leases.MarkEmpty(lease.Group, members == 0);
            return (lease, members);
        }).ToList();
        foreach (var lost in await cluster.RenewAllAsync(held))
            Close(lost.Group, "another node holds its lease");

        var now = time.GetTimestamp();
        foreach (var lease in cluster.Leases.All())
            if (lease.EmptySince is { } since && (cluster.Draining || time.GetElapsedTime(since, now) >= cluster.Settings.LeaseTime))
                await cluster.ReleaseAsync(lease);

        try
        {
            await cluster.HeartbeatAsync(load.Measure(cluster.Leases.All().Count));
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            cluster.Failed("heartbeat", e);
        }
    }

    /// <summary>Closes the WebSockets of a group this node no longer serves; its members reconnect where .status says.</summary>
    private void Close(string name, string why)
    {
        logger.LogWarning("cluster: no longer serving {Group}: {Why}", name, why);
        if (registry.Find(name) is { } group) connections.CloseMembers(group, Moved);
    }

    /// <summary>
    /// The start of a stop (the host's ApplicationStopping, before the web server stops taking
    /// connections' last frames): the members of every group here are told to go elsewhere.
    /// </summary>
    public void CloseAllMembers()
    {
        foreach (var lease in cluster.Leases.All())
            if (registry.Find(lease.Group) is { } group) connections.CloseMembers(group, Moved);
    }

    /// <summary>Then: no new group here, and the leases go back at once instead of expiring.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await cluster.DrainSelfAsync();
        await base.StopAsync(cancellationToken);
        CloseAllMembers(); // any that joined since
        foreach (var lease in cluster.Leases.All()) await cluster.ReleaseAsync(lease);
        await cluster.LeaveAsync();
    }
}
