using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// A tiny HTTP server on a free loopback port, for the parts a deployment provides outside
/// Tessera (an authorisation server, a portal). Routes are set up by the caller.
/// </summary>
public sealed class LoopbackWebHost : IAsyncDisposable
{
    readonly WebApplication app;

    public string BaseUrl { get; }

    LoopbackWebHost(WebApplication app, string baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<LoopbackWebHost> StartAsync(Action<WebApplication> routes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        routes(app);
        await app.StartAsync();
        var address = app.Urls.First();
        return new LoopbackWebHost(app, address.TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
