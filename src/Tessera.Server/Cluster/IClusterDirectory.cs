namespace Tessera.Server.Cluster;

/// <summary>
/// What the HTTP side asks of the cluster. Holds no Redis type, so a single server, which has no
/// directory, never loads the Redis client.
/// </summary>
public interface IClusterDirectory
{
    /// <summary>This node's name in the cluster.</summary>
    string NodeId { get; }

    /// <summary>
    /// The node that serves <paramref name="group"/>, placing the group on the least-loaded live
    /// node when none does; null when the shared store cannot be reached or no node is live.
    /// </summary>
    Task<GroupHost?> HostAsync(string group, CancellationToken cancellationToken);

    /// <summary>The node that serves <paramref name="group"/> without placing it; null when none does or the store is unreachable.</summary>
    Task<GroupHost?> CurrentHostAsync(string group, CancellationToken cancellationToken);

    /// <summary>Every live node with its published load.</summary>
    Task<IReadOnlyList<NodeInfo>> NodesAsync(CancellationToken cancellationToken);

    /// <summary>The groups this node holds a valid lease for, now.</summary>
    IReadOnlyList<string> HostedHere();

    /// <summary>Marks a node as draining: it takes no new group; false when no live node has that name.</summary>
    Task<bool> DrainAsync(string nodeId, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="origin"/> is the origin of a live node's public URL.</summary>
    bool IsNodeOrigin(string origin);
}

/// <param name="Node">The node's name.</param>
/// <param name="PublicUrl">The node's base URL as clients reach it (no trailing slash).</param>
/// <param name="Members">Members the host last reported (at its last lease renewal).</param>
public sealed record GroupHost(string Node, string PublicUrl, long Fence, int Members)
{
    public string WebSocketEndpoint =>
        (PublicUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? "wss" + PublicUrl[5..] : "ws" + PublicUrl[4..]) + "/ws";
}

/// <summary>A live node as its last heartbeat described it.</summary>
public sealed record NodeInfo(string Node, string PublicUrl, double Load, int Clients, int Groups, double ForwardedMbps,
                              double CpuPercent, bool Draining);
