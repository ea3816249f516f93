namespace Tessera.Server.Cluster;

/// <summary>
/// How this node takes part in a cluster. The periods make a dead node's groups placeable again
/// within <see cref="LeaseTime"/> (5 s) of its last renewal, inside the 10 s the issue allows.
/// </summary>
public sealed record ClusterSettings(string RedisUrl, string PublicUrl)
{
    /// <summary>A lease not renewed for this long expires in Redis and the group may go to another node.</summary>
    public TimeSpan LeaseTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How much sooner than Redis this node considers its own lease over: covers the clock of this
    /// process running a little slower than Redis's (and the reply's way back).
    /// </summary>
    public TimeSpan SafetyMargin { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Heartbeat and lease renewal period.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A node whose heartbeat is older than this is dead to placement.</summary>
    public TimeSpan NodeTtl { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The node's name: the host and port of its public URL, unique in any sound deployment.</summary>
    public string NodeId => new Uri(PublicUrl).Authority;

    /// <summary>Checks the public URL; the Redis URL is checked by <see cref="RedisAddress"/>.</summary>
    /// <exception cref="FormatException">Not an absolute http(s) URL without query.</exception>
    public static string NormalisePublicUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query != "" || uri.AbsolutePath != "/" && uri.AbsolutePath != "")
            throw new FormatException($"--public-url must be this node's base URL, such as https://node1.example.org:8443 (got \"{url}\")");
        return $"{uri.Scheme}://{uri.Authority}";
    }
}
