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
using Tessera.AuthServer.Login;
using Tessera.AuthServer.Portal;
using Tessera.AuthServer.Rules;
using Tessera.AuthServer.Issuing;
using Tessera.Web;

namespace Tessera.AuthServer;

/// <summary>Things tests (and embedders) may replace; production uses the defaults.</summary>
public sealed record AuthServerHostOptions
{
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}

/// <summary>Builds the <c>tessera-auth</c> web application from a validated configuration.</summary>
public static class AuthServerApp
{
    /// <exception cref="ConfigException">A part of the configuration cannot be used (keys, rules, back ends, certificate).</exception>
    public static WebApplication Build(AuthServerConfig config, AuthServerHostOptions? host = null)
    {
        host ??= new AuthServerHostOptions();
        var listen = ConfigLoader.ParseListen(config.Listen);
        var keys = SigningKeys.FromConfig(config.Keys);
        var conferences = new ConferenceSet(config.Conferences);
        var rules = new RuleSet(config.Rules);
        var certificate = config.Insecure ? null : LoadCertificate(config);
        var issuer = config.Issuer ?? (config.Insecure ? "http://" : "https://") + config.Listen + "/";

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

        var verifier = new PasswordVerifier();
        var backends = CreateBackends(config, verifier, host.Time);
        var throttle = new LoginThrottle(config.Throttle?.ApplyTo(LoginThrottleOptions.Default) ?? LoginThrottleOptions.Default, host.Time);
        var login = new LoginService(backends, rules, new TokenIssuer(keys, issuer, host.Time), throttle,
                                     config.PasswordFallback, host.Time, app.Services.GetRequiredService<ILogger<LoginService>>())
        {
            RefusalDelay = TimeSpan.FromSeconds(config.RefusalDelay),
        };
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            foreach (var b in backends) b.Dispose();
            verifier.Dispose();
        });

        var authorisation = new AuthorisationEndpoint(login, conferences, TimeSpan.FromSeconds(config.TokenLifetime));
        app.MapPost("/", authorisation.PostAsync);
        app.MapMethods("/", ["OPTIONS"], authorisation.PreflightAsync);
        app.MapGet("/.well-known/jwks.json", context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.Headers.CacheControl = "public, max-age=300";
            context.Response.Headers.AccessControlAllowOrigin = "*";
            return context.Response.WriteAsync(keys.JwksJson);
        });
        if (config.Portal)
        {
            var portal = new PortalEndpoints(login, conferences, new PortalState(secureCookie: !config.Insecure),
                                             TimeSpan.FromSeconds(config.PortalTokenLifetime), config.PortalTokenIn == "fragment");
            app.MapGet("/", portal.GetAsync);
            app.MapPost("/login", portal.PostAsync);
        }
        return app;
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
            foreach (var b in config.Backends)
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
