using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// Groups that delegate authentication: JWT keys, an authorisation server and an authorisation
/// portal, both run by the fixture on loopback as a deployment would run them beside Tessera.
/// </summary>
public sealed class TokenFixture : ConferenceFixture
{
    LoopbackWebHost? authServer;
    LoopbackWebHost? portal;

    /// <summary>Bodies the authorisation server received, in order.</summary>
    public List<JsonElement> AuthRequests { get; } = [];

    public string AuthServerUrl => authServer!.BaseUrl + "/token";

    protected override async Task StartHelpersAsync()
    {
        authServer = await LoopbackWebHost.StartAsync(app =>
        {
            // A cross-origin endpoint: CORS preflight and answer headers, as auth.md §9 requires.
            app.Use(async (context, next) =>
            {
                context.Response.Headers.AccessControlAllowOrigin = "*";
                context.Response.Headers.AccessControlAllowMethods = "POST";
                context.Response.Headers.AccessControlAllowHeaders = "Content-Type";
                if (HttpMethods.IsOptions(context.Request.Method)) return;
                await next(context);
            });
            app.MapPost("/token", async context =>
            {
                var body = (await JsonDocument.ParseAsync(context.Request.Body)).RootElement.Clone();
                lock (AuthRequests) AuthRequests.Add(body);
                var username = body.GetProperty("username").GetString();
                var password = body.GetProperty("password").GetString();
                var location = body.GetProperty("location").GetString()!;
                if (username == "ada" && password == "delegated secret")
                {
                    context.Response.ContentType = "application/jwt";
                    context.Response.Headers.CacheControl = "no-store";
                    await context.Response.WriteAsync(Jwt.Mint(location, "ada", ["op", "present", "message", "token"]) + "\n");
                }
                else if (username == "confused")
                {
                    // A success that carries no token.
                    context.Response.ContentType = "text/plain";
                    await context.Response.WriteAsync("welcome");
                }
                else if (username == "local")
                {
                    // Declines to decide: the conference server checks the password itself.
                    context.Response.StatusCode = StatusCodes.Status204NoContent;
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }
            });
        });
        portal = await LoopbackWebHost.StartAsync(app =>
        {
            // The portal "authenticates" pat and sends the browser back with a token in the query.
            app.MapGet("/login", context =>
            {
                var group = GroupUrl("portal");
                var token = Jwt.Mint(group, "pat", ["present", "message"]);
                context.Response.Redirect($"{group}?token={token}");
                return Task.CompletedTask;
            });
        });
    }

    protected override async ValueTask StopHelpersAsync()
    {
        if (authServer is not null) await authServer.DisposeAsync();
        if (portal is not null) await portal.DisposeAsync();
    }

    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["jwt"] = GroupFiles.WithKeys(),
        ["fragment"] = GroupFiles.WithKeys(),
        ["delegated"] = GroupFiles.WithKeys(
            $$$""","authServer":"{{{AuthServerUrl}}}","users":{"local":{"password":"own password","permissions":"present"}}"""),
        ["portal"] = GroupFiles.WithKeys($$""","authPortal":"{{portal!.BaseUrl}}/login" """),
        ["invite"] = GroupFiles.Ordinary,
    };
}

/// <summary>The token and delegated-login test classes share one fixture: its groups serve both.</summary>
[CollectionDefinition(Name)]
public sealed class TokenCollection : ICollectionFixture<TokenFixture>
{
    public const string Name = "tokens";
}
