using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tessera.Auth.Passwords;
using Tessera.Auth.Throttling;
using Tessera.AuthServer.Backends;
using Tessera.AuthServer.Backends.Ldap;
using Tessera.AuthServer.Backends.Pam;
using Tessera.AuthServer.Conferences;
using Tessera.AuthServer.Configuration;
using Tessera.AuthServer.Http;
using Tessera.AuthServer.Issuing;
using Tessera.AuthServer.Login;
using Tessera.AuthServer.Oidc;
using Tessera.AuthServer.Portal;
using Tessera.AuthServer.Rules;
using Tessera.Web;

namespace Tessera.AuthServer;

/// <summary>Things tests (and embedders) may replace; production uses the defaults.</summary>
public sealed record AuthServerHostOptions
{
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    /// <summary>The file the configuration came from, watched for changes; null: nothing to watch.</summary>
    public string? ConfigPath { get; init; }
}

/// <summary>Builds the <c>tessera-auth</c> web application from a validated configuration.</summary>
public static class AuthServerApp
{
    /// <exception cref="ConfigException">A part of the configuration cannot be used (keys, rules, back ends, certificate).</exception>
    public static WebApplication Build(AuthServerConfig config, AuthServerHostOptions? host = null)
    {
        host ??= new AuthServerHostOptions();
        var listen = ConfigLoader.ParseListen(config.Listen);
        var certificate = config.Insecure ? null : LoadCertificate(config);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        host.ConfigureLogging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64 * 1024;
            k.Listen(listen, o =>
            {
                if (certificate is not null) o.UseHttps(certificate);
            });
        });
        builder.Services.AddSingleton(host.Time);
        var app = builder.Build();
        app.UseRateLimitedExceptionLogging(host.Time);

        // Kept across reloads: password hashing workers, throttle counters, portal state secrets.
        var verifier = new PasswordVerifier();
        LiveConfiguration? live = null;
        var throttle = new LoginThrottle(() => live?.Config.Throttle?.ApplyTo(LoginThrottleOptions.Default) ?? LoginThrottleOptions.Default, host.Time);
        var portalState = new PortalState(secureCookie: !config.Insecure);
        var pendingLogins = new PendingLoginCookies(secureCookie: !config.Insecure, host.Time);
        // Talks to OpenID Connect providers: never follows redirects (a token endpoint that moves
        // is a misconfiguration, not something to follow with a code in hand).
        var providerHttp = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        }) { Timeout = TimeSpan.FromSeconds(10) };
        var loginLogger = app.Services.GetRequiredService<ILogger<LoginService>>();
        var oidcLogger = app.Services.GetRequiredService<ILogger<OidcEndpoints>>();
        var auditLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("tessera-auth.Audit");
        var metrics = new Monitoring.AuthMetrics();
        AuthServerState BuildState(AuthServerConfig c)
        {
            var keys = SigningKeys.FromConfig(c.Keys);
            var conferences = new ConferenceSet(c.Conferences);
            var rules = new RuleSet(c.Rules);
            var issuer = c.Issuer ?? (c.Insecure ? "http://" : "https://") + c.Listen + "/";
            var backends = CreateBackends(c, verifier, host.Time);
            var login = new LoginService(backends, rules, new TokenIssuer(keys, issuer, host.Time), throttle,
                                         c.PasswordFallback, host.Time, loginLogger, metrics, auditLogger)
            {
                RefusalDelay = TimeSpan.FromSeconds(c.RefusalDelay),
            };
            var providers = c.Backends.OfType<OidcBackendConfig>().ToDictionary(
                o => o.Name,
                o => new OidcProvider(o, o.RedirectUri ?? issuer.TrimEnd('/') + "/oidc/" + o.Name + "/callback", providerHttp, host.Time),
                StringComparer.Ordinal);
            var portalLifetime = TimeSpan.FromSeconds(c.PortalTokenLifetime);
            var oidc = providers.Count > 0
                ? new OidcEndpoints(providers, login, conferences, pendingLogins, portalLifetime, c.PortalTokenIn == "fragment", host.Time, oidcLogger)
                : null;
            var portal = c.Portal
                ? new PortalEndpoints(login, conferences, portalState, portalLifetime, c.PortalTokenIn == "fragment",
                                      oidc?.Buttons.ToList() ?? [], passwordForm: backends.Count > 0)
                : null;
            return new AuthServerState(keys, new AuthorisationEndpoint(login, conferences, TimeSpan.FromSeconds(c.TokenLifetime)), portal, oidc, backends);
        }
        live = new LiveConfiguration(host.ConfigPath ?? "", config, BuildState, host.Time,
                                     app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("tessera-auth"));
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            live.Dispose();
            verifier.Dispose();
            providerHttp.Dispose();
        });

        app.MapPost("/", context => live.Current.Authorisation.PostAsync(context));
        app.MapMethods("/", ["OPTIONS"], context => live.Current.Authorisation.PreflightAsync(context));
        app.MapGet("/.well-known/jwks.json", context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.Headers.CacheControl = "public, max-age=300";
            context.Response.Headers.AccessControlAllowOrigin = "*";
            return context.Response.WriteAsync(live.Current.Keys.JwksJson);
        });
        // Mapped always, so that turning the portal on in the file needs no restart.
        app.MapGet("/", context => live.Current.Portal is { } portal ? portal.GetAsync(context) : OnlyPost(context));
        app.MapPost("/login", context => live.Current.Portal is { } portal ? portal.PostAsync(context) : NotFound(context));
        app.MapGet("/oidc/{name}/start", (HttpContext context, string name) =>
            live.Current.Oidc is { } oidc ? oidc.StartAsync(context, name) : NotFound(context));
        app.MapGet("/oidc/{name}/callback", (HttpContext context, string name) =>
            live.Current.Oidc is { } oidc ? oidc.CallbackAsync(context, name) : NotFound(context));
        var scrape = new MetricsEndpoint(metrics.Registry, () => MetricsAccessOf(live.Config), _ => Task.FromResult(false));
        app.Map("/metrics", scrape.HandleAsync);
        return app;
    }

    /// <summary>The configuration's <c>metrics</c>: off unless enabled, then only from <c>allowFrom</c> (tessera-auth has no administrators).</summary>
    private static MetricsAccess MetricsAccessOf(AuthServerConfig config) =>
        config.Metrics is { Enabled: true } m
            ? new MetricsAccess(true, [.. (m.AllowFrom ?? []).Select(MetricsAccess.ParseEntry).OfType<System.Net.IPNetwork>()])
            : MetricsAccess.Off;

    /// <summary>Without the portal, "/" only takes the JSON login: GET is "method not allowed", as it always was.</summary>
    private static Task OnlyPost(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        context.Response.Headers.Allow = "POST, OPTIONS";
        return Task.CompletedTask;
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private static X509Certificate2 LoadCertificate(AuthServerConfig config)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(config.Cert!, config.Key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ConfigException($"cannot load the certificate {config.Cert} / key {config.Key}: {e.Message}", e);
        }
    }

    private static List<IUserBackend> CreateBackends(AuthServerConfig config, PasswordVerifier verifier, TimeProvider time)
    {
        var list = new List<IUserBackend>();
        try
        {
            foreach (var b in config.Backends.Where(b => b is not OidcBackendConfig)) // OpenID providers take no passwords
            {
                list.Add(b switch
                {
                    FileBackendConfig f => new UsersFileBackend(f.Path, verifier, time),
                    LdapBackendConfig l => new LdapBackend(l, time),
                    PamBackendConfig p => new PamBackend(p),
                    _ => throw new ConfigException("unknown back end type"),
                });
            }
            return list;
        }
        catch
        {
            foreach (var b in list) b.Dispose();
            throw;
        }
    }
}
