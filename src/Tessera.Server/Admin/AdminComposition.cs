using Tessera.Auth.Passwords;
using Tessera.Auth.Tokens;
using Tessera.Protocol;
using Tessera.Protocol.Groups;
using Tessera.Protocol.Login;

namespace Tessera.Server.Admin;

/// <summary>Adds the administrative API to a host: its services, and its route.</summary>
public static class AdminComposition
{
    public static IServiceCollection AddAdministration(this IServiceCollection services)
    {
        services.AddSingleton(sp => new GroupFiles(sp.GetRequiredService<GroupRegistry>().Descriptions));
        services.AddSingleton(sp => new AdminGate(sp.GetRequiredService<PasswordVerifier>(), sp.GetRequiredService<ITokenStore>(),
                                                  sp.GetRequiredService<JoinAuthenticator>(),
                                                  sp.GetRequiredService<ProtocolServices>().Throttle,
                                                  sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new GroupResource(sp.GetRequiredService<GroupFiles>(), sp.GetRequiredService<GroupRegistry>().Descriptions));
        services.AddSingleton<UserResource>();
        services.AddSingleton<TokenResource>();
        services.AddSingleton<KeysResource>();
        services.AddSingleton<StatsResource>();
        services.AddSingleton<ClusterResource>();
        services.AddSingleton<AdminApi>();
        return services;
    }

    public static void MapAdministration(this WebApplication app) =>
        app.Map("/galene-api/{**rest}", (HttpContext c, AdminApi api) => api.HandleAsync(c));
}
