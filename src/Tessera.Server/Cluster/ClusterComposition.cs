using Tessera.Protocol.Groups;
using Tessera.Server.Hosting;
using Tessera.Server.WebSockets;

namespace Tessera.Server.Cluster;

/// <summary>
/// Adds cluster mode to a host when <c>--redis</c> is given. Only this class names the Redis
/// types, and only when called, so a single server never loads the Redis client.
/// </summary>
public static class ClusterComposition
{
    public static void AddCluster(IServiceCollection services, ServerOptions options)
    {
        var settings = new ClusterSettings(options.Redis!, ClusterSettings.NormalisePublicUrl(
            options.PublicUrl ?? throw new FormatException("--redis needs --public-url: the base URL at which clients reach this node")));
        RedisAddress.Parse(settings.RedisUrl); // a malformed URL is a usage error, before any connection
        services.AddSingleton(sp => RedisCluster.ConnectAsync(settings,
            () => sp.GetRequiredService<GroupRegistry>().Config.TryGet(out _)?.ProxyUrl, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Tessera.Cluster")).GetAwaiter().GetResult());
        services.AddSingleton<IGroupPlacement>(sp => sp.GetRequiredService<RedisCluster>());
        services.AddSingleton<IClusterDirectory>(sp => sp.GetRequiredService<RedisCluster>());
        services.AddSingleton<Tessera.Auth.Tokens.ITokenStore>(sp => new RedisTokenStore(sp.GetRequiredService<RedisCluster>().Database,
                                                                                         sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new SharedThrottle(sp.GetRequiredService<RedisCluster>()));
        services.AddSingleton<Action<Tessera.Auth.Throttling.SharedFailure>>(sp => sp.GetRequiredService<SharedThrottle>().Publish);
        // Its own StatsResource for this node's part: the API's one asks this, which would be a cycle.
        services.AddSingleton(sp => new ClusterStats(sp.GetRequiredService<RedisCluster>(),
            new Admin.StatsResource(sp.GetRequiredService<GroupRegistry>(), sp.GetRequiredService<Tessera.Protocol.IStreamSignalling>()).Snapshot,
            sp.GetRequiredService<ILogger<ClusterStats>>()));
        services.AddSingleton<IClusterStats>(sp => sp.GetRequiredService<ClusterStats>());
        services.AddSingleton(sp => new NodeLoad(sp.GetRequiredService<Streams.MediaPlane>().Multiplexer.Counters,
            () => sp.GetRequiredService<ConnectionTracker>().Count, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ClusterMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterMaintenance>());
    }

    /// <summary>Connects now, so that an unreachable Redis fails the start with one line.</summary>
    public static void Start(IServiceProvider services)
    {
        services.GetRequiredService<RedisCluster>();
        services.GetRequiredService<SharedThrottle>().Receive(services.GetRequiredService<Tessera.Protocol.ProtocolServices>().Throttle);
        services.GetRequiredService<ClusterStats>().Start();
        var maintenance = services.GetRequiredService<ClusterMaintenance>();
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(maintenance.CloseAllMembers);
    }
}
