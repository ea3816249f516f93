using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tessera.Auth.Login;
using Tessera.Auth.Passwords;
using Tessera.Auth.Tokens;
using Tessera.Protocol;
using Tessera.Protocol.Config;
using Tessera.Protocol.Descriptions;
using Tessera.Protocol.Groups;
using Tessera.Protocol.Login;
using Tessera.Server.Admin;
using Tessera.Server.Http;
using Tessera.Server.Recording;
using Tessera.Server.Monitoring;
using Tessera.Server.WebSockets;
using Tessera.Web;

namespace Tessera.Server.Hosting;

/// <summary>
/// Builds the whole server from its options: one object graph per host, no global state, so
/// tests can run several servers side by side.
/// </summary>
public static class TesseraHost
{
    /// <summary>Bytes Kestrel buffers towards one connection before a write waits (its default: 64 KB).</summary>
    public const int KestrelWriteBufferBytes = 16 * 1024;

    /// <summary>
    /// Free 4 KB blocks Kestrel's pool keeps (4 MB): enough for a broadcast to 1,000 members to
    /// reuse blocks; past it a burst's blocks are left to the collector.
    /// </summary>
    public const int KestrelFreeBlocks = 1024;

    public static WebApplication Build(ServerOptions options, Action<ILoggingBuilder>? logging = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = options.StaticRoot,
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        Directory.CreateDirectory(options.Data);

        // Outgoing WebSocket messages wait in each connection's own queue, which is bounded and
        // shares a broadcast's bytes between members; Kestrel's default 64 KB of output buffering
        // per connection copied them again, and after a 1,000-member join flood its pool kept the
        // peak (10,600 blocks of 4 KB, 44 KB per member) for good.
        builder.WebHost.UseSockets(sockets => sockets.MaxWriteBufferSize = KestrelWriteBufferBytes);
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>>(new BoundedBlockPoolFactory(KestrelFreeBlocks));
        var endpoint = ListenAddress.Parse(options.Http);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(60);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(120);
            kestrel.Listen(endpoint, listen =>
            {
                if (!options.Insecure)
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    var certificates = kestrel.ApplicationServices.GetRequiredService<Certificates>();
                    listen.UseHttps(https =>
                    {
                        https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
                        https.ServerCertificateSelector = (_, _) => certificates.Current();
                    });
                }
            });
        });

        builder.Services.AddSingleton(options);
        // One certificate for HTTPS and TURN over TLS (created or read once, re-read when it changes).
        builder.Services.AddSingleton(sp => new Certificates(options.Data, Logger(sp, "Tessera.Tls")));
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton(sp => new ServerConfigSource(options.Data, Logger(sp, "Tessera.Config")));
        builder.Services.AddSingleton(sp => new GroupDescriptionStore(options.Groups, Logger(sp, "Tessera.Protocol")));
        builder.Services.AddSingleton(sp => new IceServers(options.Data, sp.GetRequiredService<TimeProvider>(),
                                                           Logger(sp, "Tessera.Ice"), options.RelayOnly,
                                                           sp.GetRequiredService<TurnHolder>().Turn is { } turn ? [turn.IceServer] : []));
        builder.Services.AddSingleton(sp => new GroupRegistry(
            sp.GetRequiredService<GroupDescriptionStore>(), sp.GetRequiredService<ServerConfigSource>(),
            sp.GetRequiredService<IceServers>(), sp.GetRequiredService<TimeProvider>(), Logger(sp, "Tessera.Protocol")));
        builder.Services.AddSingleton<PasswordVerifier>();
        // A cluster keeps its tokens in Redis instead (Cluster/RedisTokenStore), registered by AddCluster.
        if (options.Redis is null)
            builder.Services.AddSingleton<ITokenStore>(sp => new TokenStore(Path.Combine(options.Data, "var", "tokens.jsonl"), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new TokenCommands(sp.GetRequiredService<ITokenStore>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new CredentialChecker(sp.GetRequiredService<PasswordVerifier>(),
                                                                  sp.GetRequiredService<ITokenStore>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => JwksFetcher.CreateCache(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new AuthKeyCache(sp.GetRequiredService<Tessera.Auth.Jwk.JwksCache>()));
        builder.Services.AddSingleton(sp => new JoinAuthenticator(sp.GetRequiredService<CredentialChecker>(), sp.GetRequiredService<AuthKeyCache>()));
        var turnFlag = Tessera.Server.Turn.TurnFlag.Parse(options.Turn);
        var mediaPorts = Tessera.Server.Streams.UdpPortRange.Parse(options.UdpRange);
        var iceAddresses = Tessera.Server.Streams.IceAddressList.Parse(options.IceAddresses);
        var iceTcp = Tessera.Server.Streams.IceTcpSetting.Parse(options.IceTcp);
        builder.Services.AddSingleton(sp => Tessera.Server.Streams.MediaPlane.Open(mediaPorts, iceAddresses, sp.GetRequiredService<TimeProvider>(),
                                                                                 Logger(sp, "Tessera.Media"), iceTcp));
        builder.Services.AddSingleton(sp => new TurnHolder(Tessera.Server.Turn.BuiltInTurn.Start(turnFlag, options.Data,
            sp.GetRequiredService<Tessera.Server.Streams.MediaPlane>().Multiplexer.Candidates.Where(c => !c.Tcp).Select(c => c.EndPoint.Address).Distinct().ToList(),
            sp.GetRequiredService<Tessera.Server.Streams.MediaPlane>().Multiplexer.LocalEndPoint.Port,
            options.Insecure ? null : sp.GetRequiredService<Certificates>().Current,
            sp.GetRequiredService<TimeProvider>(), Logger(sp, "Tessera.Turn"))));
        builder.Services.AddSingleton<Tessera.Server.Streams.SfuSignalling>();
        builder.Services.AddSingleton<IStreamSignalling>(sp => sp.GetRequiredService<Tessera.Server.Streams.SfuSignalling>());
        builder.Services.AddSingleton(sp => new RecordingsDirectory(options.Recordings, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new GroupRecordings(sp.GetRequiredService<Tessera.Server.Streams.SfuSignalling>(),
            sp.GetRequiredService<RecordingsDirectory>(), sp.GetRequiredService<TimeProvider>(), Logger(sp, "Tessera.Recording")));
        builder.Services.AddSingleton(sp => new ProtocolServices
        {
            Registry = sp.GetRequiredService<GroupRegistry>(),
            Authenticator = sp.GetRequiredService<JoinAuthenticator>(),
            Media = sp.GetRequiredService<IStreamSignalling>(),
            Recording = sp.GetRequiredService<GroupRecordings>(),
            Tokens = sp.GetRequiredService<TokenCommands>(),
            Throttle = new Tessera.Auth.Throttling.LoginThrottle(
                () => ThrottleOptions(sp.GetRequiredService<GroupRegistry>()), sp.GetRequiredService<TimeProvider>(),
                sp.GetService<Action<Tessera.Auth.Throttling.SharedFailure>>()), // a cluster shares failures

            Logger = Logger(sp, "Tessera.Protocol"),
            Joins = sp.GetRequiredService<Tessera.Server.Monitoring.JoinAudit>(),
            Placement = sp.GetService<IGroupPlacement>() ?? LocalPlacement.Instance,
        }.WithStandardHandlers());
        builder.Services.AddSingleton(sp => new ConnectionTracker(options.KeepAlive, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<OutgoingBudget>();
        builder.Services.AddSingleton(sp => new WebSocketEndpoint(sp.GetRequiredService<ProtocolServices>(),
                                                                  sp.GetRequiredService<ConnectionTracker>(),
                                                                  sp.GetRequiredService<OutgoingBudget>(), Logger(sp, "Tessera.WebSocket"),
                                                                  sp.GetService<Tessera.Server.Cluster.IClusterDirectory>()));
        builder.Services.AddSingleton(new StaticFiles(options.StaticRoot));
        builder.Services.AddSingleton<Tessera.Server.Whip.WhipSessions>();
        builder.Services.AddSingleton<Tessera.Server.Whip.WhipEndpoint>();
        builder.Services.AddSingleton<GroupRoutes>();
        builder.Services.AddSingleton(sp => new Tessera.Server.Recordings.RecordingsCredentials(
            sp.GetRequiredService<GroupDescriptionStore>(), sp.GetRequiredService<ServerConfigSource>(), sp.GetRequiredService<JoinAuthenticator>()));
        builder.Services.AddSingleton<Tessera.Server.Recordings.RecordingsRoute>();
        builder.Services.AddSingleton<PublicGroups>();
        builder.Services.AddAdministration();
        builder.Services.AddMonitoring();
        if (options.Redis is not null) Tessera.Server.Cluster.ClusterComposition.AddCluster(builder.Services, options);
        builder.Services.AddHostedService<Housekeeping>();
        builder.Services.AddHostedService<MemoryTrim>();
        builder.Services.AddHostedService<RecordingDrain>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

        var app = builder.Build();
        app.Services.GetRequiredService<Tessera.Server.Streams.MediaPlane>(); // bind the media port now, so a bad --udp-range fails at start-up
        app.Services.GetRequiredService<TurnHolder>(); // and start TURN, so the log says at once what runs
        if (options.Redis is not null) Tessera.Server.Cluster.ClusterComposition.Start(app.Services);
        app.UseRateLimitedExceptionLogging(app.Services.GetRequiredService<TimeProvider>());
        app.UseMiddleware<CanonicalHost>(options.Insecure);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/ws", (HttpContext c, WebSocketEndpoint ws) => ws.HandleAsync(c));
        app.Map("/public-groups.json", (HttpContext c, PublicGroups p) => p.HandleAsync(c));
        app.Map("/group/{**rest}", (HttpContext c, GroupRoutes g) => g.HandleAsync(c));
        app.Map("/recordings/{**rest}", (HttpContext c, Tessera.Server.Recordings.RecordingsRoute r) => r.HandleAsync(c));
        app.Map("/recordings", (HttpContext c, Tessera.Server.Recordings.RecordingsRoute r) => r.HandleAsync(c));
        app.MapAdministration();
        app.MapMonitoring();
        app.MapFallback("{**path}", (HttpContext c, StaticFiles s) => s.HandleAsync(c));

        // A cluster node hands its groups to other nodes instead (Cluster/ClusterMaintenance).
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        if (options.Redis is null) lifetime.ApplicationStopping.Register(() =>
            app.Services.GetRequiredService<ConnectionTracker>().KickAll(app.Services.GetRequiredService<GroupRegistry>()));
        return app;
    }

    /// <summary>The address actually bound (useful with port 0).</summary>
    public static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First().Replace("[::]", "localhost").Replace("0.0.0.0", "localhost"));
    }

    /// <summary>The throttle follows config.json as it is edited; an unreadable file keeps the defaults.</summary>
    private static Tessera.Auth.Throttling.LoginThrottleOptions ThrottleOptions(GroupRegistry registry) =>
        registry.Config.TryGet(out _)?.LoginThrottle?.ApplyTo(Tessera.Auth.Throttling.LoginThrottleOptions.Default)
        ?? Tessera.Auth.Throttling.LoginThrottleOptions.Default;

    private static ILogger Logger(IServiceProvider sp, string category) =>
        sp.GetRequiredService<ILoggerFactory>().CreateLogger(category);
}

/// <summary>The built-in TURN server, or null when none runs (a service cannot be null).</summary>
internal sealed class TurnHolder(Tessera.Server.Turn.BuiltInTurn? turn) : IDisposable
{
    public Tessera.Server.Turn.BuiltInTurn? Turn { get; } = turn;

    public void Dispose() => Turn?.Dispose();
}
