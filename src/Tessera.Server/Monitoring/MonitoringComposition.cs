using Tessera.Protocol.Groups;
using Tessera.Server.Admin;
using Tessera.Server.Streams;
using Tessera.Web;

namespace Tessera.Server.Monitoring;

/// <summary>Adds the metrics and the join audit trail to a host, and the <c>/metrics</c> route.</summary>
public static class MonitoringComposition
{
    public static IServiceCollection AddMonitoring(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ServerMetrics(sp.GetRequiredService<GroupRegistry>(),
                                                      sp.GetRequiredService<MediaPlane>().Multiplexer.Counters,
                                                      sp.GetService<Tessera.Server.Cluster.IClusterDirectory>()?.NodeId));
        services.AddSingleton(sp => new JoinAudit(sp.GetRequiredService<ServerMetrics>(),
                                                  sp.GetRequiredService<ILoggerFactory>().CreateLogger("Tessera.Audit")));
        services.AddSingleton(sp =>
        {
            var registry = sp.GetRequiredService<GroupRegistry>();
            var gate = sp.GetRequiredService<AdminGate>();
            return new MetricsEndpoint(sp.GetRequiredService<ServerMetrics>().Registry, () => Access(registry),
                async context =>
                {
                    var address = context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None;
                    var decision = await gate.ServerWideAsync(AdminCredentials.From(context.Request), registry.Config.TryGet(out _), address);
                    return decision.Allowed;
                });
        });
        return services;
    }

    public static void MapMonitoring(this WebApplication app) =>
        app.Map("/metrics", (HttpContext c, MetricsEndpoint endpoint) => endpoint.HandleAsync(c));

    /// <summary>config.json's <c>metrics</c>, re-read on every scrape like the rest of the file; unreadable means off.</summary>
    private static MetricsAccess Access(GroupRegistry registry)
    {
        var settings = registry.Config.TryGet(out _)?.Metrics;
        if (settings is not { Enabled: true }) return MetricsAccess.Off;
        return new MetricsAccess(true, [.. (settings.AllowFrom ?? []).Select(MetricsAccess.ParseEntry).OfType<System.Net.IPNetwork>()]);
    }
}
