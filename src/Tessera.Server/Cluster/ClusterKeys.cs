using StackExchange.Redis;

namespace Tessera.Server.Cluster;

/// <summary>
/// The Redis keys of a cluster. Every script touches keys it is not given (node hashes), which
/// plain Redis and Sentinel allow and Redis Cluster does not: one Redis (with replicas) it is.
/// </summary>
public static class ClusterKeys
{
    public const string Prefix = "tessera:";

    /// <summary>Sorted set: live (or recently live) node → load score; placement reads it in order.</summary>
    public static readonly RedisKey Load = Prefix + "load";

    /// <summary>Counter of lease acquisitions: the fencing number.</summary>
    public static readonly RedisKey Fence = Prefix + "fence";

    /// <summary>Prefix of the node hashes (url, load figures, drain), which expire without heartbeat.</summary>
    public const string NodePrefix = Prefix + "node:";

    public static RedisKey Node(string id) => NodePrefix + id;

    /// <summary>Hash of one group's lease: node, fence, url, count; expires unless renewed.</summary>
    public static RedisKey Lease(string group) => Prefix + "lease:" + group;
}
