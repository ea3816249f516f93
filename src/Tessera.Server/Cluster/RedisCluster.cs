using StackExchange.Redis;
using Tessera.Protocol.Groups;

namespace Tessera.Server.Cluster;

/// <summary>
/// This node's side of the cluster: placement of groups through leases in Redis
/// (<see cref="LeaseScripts"/>), the answers <c>.status</c> and the administrative API need, and
/// the periodic work (<see cref="Tick"/>): heartbeat, renewals, giving up lost or idle groups.
/// </summary>
public sealed class RedisCluster : IGroupPlacement, IClusterDirectory, IAsyncDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly ClusterSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Tessera.Diagnostics.LogThrottle _failures;
    private volatile HashSet<string> _nodeOrigins = new(StringComparer.OrdinalIgnoreCase);
    private volatile bool _draining;
    private readonly Func<string?> _sharedUrl;

    private RedisCluster(IConnectionMultiplexer redis, ClusterSettings settings, Func<string?> sharedUrl, TimeProvider time, ILogger logger)
    {
        _sharedUrl = sharedUrl;
        _redis = redis;
        _settings = settings;
        _time = time;
        _logger = logger;
        _failures = new Tessera.Diagnostics.LogThrottle(time, 16);
        Leases = new HeldLeases(time);
        _nodeOrigins.Add(settings.PublicUrl);
    }

    public string NodeId => _settings.NodeId;
    public string PublicUrl => _settings.PublicUrl;
    public HeldLeases Leases { get; }
    public ClusterSettings Settings => _settings;
    private IDatabase Db => _redis.GetDatabase();

    /// <summary>The shared store, for the other shared state (tokens).</summary>
    public IDatabase Database => Db;

    /// <summary>Publish and subscribe (the shared login throttle).</summary>
    public ISubscriber Subscriber => _redis.GetSubscriber();

    /// <summary>Connects and registers this node (its drain mark from an earlier run cleared).</summary>
    /// <exception cref="ClusterUnavailableException">Redis cannot be reached.</exception>
    /// <param name="sharedUrl">The cluster's shared public name (config.json's proxyURL), if any.</param>
    public static async Task<RedisCluster> ConnectAsync(ClusterSettings settings, Func<string?> sharedUrl, TimeProvider time, ILogger logger)
    {
        var options = RedisAddress.Parse(settings.RedisUrl);
        IConnectionMultiplexer redis;
        try
        {
            redis = await ConnectionMultiplexer.ConnectAsync(options);
            await redis.GetDatabase().KeyDeleteAsync(ClusterKeys.Node(settings.NodeId));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new ClusterUnavailableException(
                $"tessera cannot reach Redis at {RedisAddress.Redacted(settings.RedisUrl)}: {FirstLine(e.Message)}");
        }
        return new RedisCluster(redis, settings, sharedUrl, time, logger);
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    /// <summary>Joins: served here only under a valid lease; otherwise the client is sent to the group's page.</summary>
    public async ValueTask<Placement> PlaceAsync(string group, CancellationToken cancellationToken)
    {
        if (Leases.Holds(group)) return Placement.Here;
        var host = await HostAsync(group, cancellationToken);
        if (host is null) return new Placement(null, Unavailable: true);
        if (host.Node == NodeId && !Leases.Holds(group))
        {
            // Placed here (by a .status) but with less time left than the safety margin: too short to
            // serve under, yet Redis still names this node, so a redirect would come straight back
            // here until the lease ran out. Renew it under its own fence instead.
            await RenewAllAsync([(new HeldLeases.HeldLease(group, host.Fence, 0, null), 0)]);
        }
        return host.Node == NodeId && Leases.Holds(group) ? Placement.Here : new Placement(PageUrl(group));
    }

    /// <summary>
    /// Where a redirected client goes: the group's page under the cluster's shared name (proxyURL),
    /// or this node's own when there is none; that page's <c>.status</c> names the host.
    /// </summary>
    private string PageUrl(string group)
    {
        var shared = _sharedUrl();
        var root = Uri.TryCreate(shared, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? shared!.TrimEnd('/') : PublicUrl;
        return root + Http.GroupPath.PageUrlPath(group);
    }

    public Task<GroupHost?> HostAsync(string group, CancellationToken cancellationToken) => LookupAsync(group, place: true);

    public Task<GroupHost?> CurrentHostAsync(string group, CancellationToken cancellationToken) => LookupAsync(group, place: false);

    private async Task<GroupHost?> LookupAsync(string group, bool place)
    {
        var started = _time.GetTimestamp();
        RedisResult result;
        try
        {
            result = await Db.ScriptEvaluateAsync(LeaseScripts.Place,
                [ClusterKeys.Lease(group), ClusterKeys.Load, ClusterKeys.Fence],
                [(long)_settings.LeaseTime.TotalMilliseconds, ClusterKeys.NodePrefix, _time.GetUtcNow().ToUnixTimeMilliseconds(), place ? 1 : 0]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Failed("placement", e);
            return null;
        }
        if (result.IsNull) return null;
        var fields = (RedisResult[])result!;
        var host = new GroupHost((string)fields[0]!, (string)fields[2]!, (long)fields[1], (int)fields[3]);
        var remaining = (long)fields[4];
        // A lease placed for this node (here or by another node answering .status) is adopted by
        // the first join that reaches it; its deadline counts from before the question was asked.
        if (host.Node == NodeId && remaining > 0)
            Leases.Hold(group, host.Fence, Deadline(started, TimeSpan.FromMilliseconds(remaining)));
        return host;
    }

    private long Deadline(long started, TimeSpan remaining) =>
        started + (long)((remaining - _settings.SafetyMargin).TotalSeconds * _time.TimestampFrequency);

    public IReadOnlyList<string> HostedHere() =>
        Leases.All().Where(l => Leases.Holds(l.Group)).Select(l => l.Group).Order(StringComparer.Ordinal).ToList();

    public bool IsNodeOrigin(string origin) => _nodeOrigins.Contains(origin.TrimEnd('/'));

    public Task<IReadOnlyList<NodeInfo>> NodesAsync(CancellationToken cancellationToken) => Unavailable(ReadNodesAsync);

    public Task<bool> DrainAsync(string nodeId, CancellationToken cancellationToken) =>
        Unavailable(async () => (long)await Db.ScriptEvaluateAsync(LeaseScripts.Drain, [ClusterKeys.Node(nodeId)]) == 1);

    /// <summary>Reports a failure to reach Redis as <see cref="ClusterUnavailableException"/>, a type of ours.</summary>
    private static async Task<T> Unavailable<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new ClusterUnavailableException("Redis cannot be reached: " + FirstLine(e.Message));
        }
    }

    private async Task<IReadOnlyList<NodeInfo>> ReadNodesAsync()
    {
        var ids = await Db.SortedSetRangeByRankWithScoresAsync(ClusterKeys.Load);
        var hashes = await Task.WhenAll(ids.Select(e => Db.HashGetAllAsync(ClusterKeys.Node(e.Element!))));
        var nodes = new List<NodeInfo>();
        for (var i = 0; i < ids.Length; i++)
        {
            var h = hashes[i].ToDictionary(x => (string)x.Name!, x => (string)x.Value!);
            if (!h.TryGetValue("url", out var url)) continue;
            double Number(string key) => h.TryGetValue(key, out var v) && double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : 0;
            nodes.Add(new NodeInfo(ids[i].Element!, url, ids[i].Score, (int)Number("clients"), (int)Number("groups"),
                                   Number("mbps"), Number("cpu"), h.ContainsKey("drain")));
        }
        return nodes;
    }

    /// <summary>Stops taking new groups (SIGTERM): the mark is in Redis, where placement reads it.</summary>
    public async Task DrainSelfAsync()
    {
        _draining = true;
        try
        {
            await DrainAsync(NodeId, default);
        }
        catch (ClusterUnavailableException e)
        {
            Failed("drain", e);
        }
    }

    /// <summary>Publishes this node's load; learns the other nodes' origins.</summary>
    public async Task HeartbeatAsync(NodeLoad.Sample load)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var urls = (RedisResult[])(await Db.ScriptEvaluateAsync(LeaseScripts.Heartbeat,
            [ClusterKeys.Node(NodeId), ClusterKeys.Load],
            [NodeId, PublicUrl, (long)_settings.NodeTtl.TotalMilliseconds, load.Score.ToString("F3", inv), load.Clients, load.Groups,
             load.ForwardedMbps.ToString("F3", inv), load.CpuPercent.ToString("F1", inv), ClusterKeys.NodePrefix]))!;
        var origins = new HashSet<string>(urls.Select(u => (string)u!), StringComparer.OrdinalIgnoreCase) { PublicUrl };
        _nodeOrigins = origins;
    }

    /// <summary>
    /// The most leases one renewal script handles: a node with more sends several, so that no
    /// single script keeps Redis from other nodes' requests for long.
    /// </summary>
    public const int RenewalBatch = 500;

    /// <summary>
    /// Renews the leases (each with its group's member count) in one script call per
    /// <see cref="RenewalBatch"/>. Leases renewed get a new deadline; those another node holds
    /// now are dropped here and returned, for the caller to stop serving their groups. A call
    /// Redis does not answer changes nothing: those leases run out by their deadline unless a
    /// later renewal works.
    /// </summary>
    public async Task<IReadOnlyList<HeldLeases.HeldLease>> RenewAllAsync(IReadOnlyList<(HeldLeases.HeldLease Lease, int Members)> leases)
    {
        var lost = new List<HeldLeases.HeldLease>();
        foreach (var batch in leases.Chunk(RenewalBatch))
        {
            var started = _time.GetTimestamp();
            var keys = batch.Select(b => ClusterKeys.Lease(b.Lease.Group)).ToArray();
            var args = new List<RedisValue>(3 + 2 * batch.Length) { NodeId, (long)_settings.LeaseTime.TotalMilliseconds, PublicUrl };
            foreach (var (lease, members) in batch)
            {
                args.Add(lease.Fence);
                args.Add(members);
            }
            RedisResult[] answers;
            try
            {
                answers = (RedisResult[])(await Db.ScriptEvaluateAsync(LeaseScripts.RenewAll, keys, args.ToArray()))!;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                Failed("lease renewal", e);
                continue;
            }
            var deadline = Deadline(started, _settings.LeaseTime);
            for (var i = 0; i < batch.Length; i++)
            {
                var lease = batch[i].Lease;
                switch ((long)answers[i])
                {
                    case 0:
                        if (Leases.Drop(lease.Group, lease.Fence)) lost.Add(lease);
                        continue;
                    case 2:
                        _logger.LogWarning("cluster: the lease on {Group} was missing from Redis (restarted?); taken back", lease.Group);
                        break;
                }
                Leases.Extend(lease.Group, lease.Fence, deadline);
            }
        }
        return lost;
    }

    public async Task ReleaseAsync(HeldLeases.HeldLease lease)
    {
        if (!Leases.Drop(lease.Group, lease.Fence)) return;
        try
        {
            await Db.ScriptEvaluateAsync(LeaseScripts.Release, [ClusterKeys.Lease(lease.Group)], [NodeId, lease.Fence]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Failed("lease release", e); // it expires by itself
        }
    }

    /// <summary>Removes this node from placement at once (a clean stop), instead of after its heartbeat's expiry.</summary>
    public async Task LeaveAsync()
    {
        try
        {
            await Db.SortedSetRemoveAsync(ClusterKeys.Load, NodeId);
            await Db.KeyDeleteAsync(ClusterKeys.Node(NodeId));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Failed("leaving the cluster", e);
        }
    }

    public bool Draining => _draining;

    public void Failed(string what, Exception e)
    {
        if (_failures.ShouldLog(what, out var suppressed))
            _logger.LogWarning("cluster: {What} failed ({Suppressed} similar failures not logged): {Message}", what, suppressed, FirstLine(e.Message));
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
}

/// <summary>Redis could not be reached when the node started.</summary>
public sealed class ClusterUnavailableException(string message) : Exception(message);
