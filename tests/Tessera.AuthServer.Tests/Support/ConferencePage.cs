using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tessera.AuthServer.Tests.Support;

/// <summary>A stand-in conference server on loopback: every /group/NAME/ page says which group it is.</summary>
public sealed class ConferencePage : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ConferencePage(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>e.g. http://127.0.0.1:41234/</summary>
    public string BaseUrl { get; }

    public static async Task<ConferencePage> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/group/{**name}", (HttpContext c, string name) =>
        {
            c.Response.ContentType = "text/html; charset=utf-8";
            return c.Response.WriteAsync($"<!doctype html><title>Conference</title><h1 id=\"group\">{System.Net.WebUtility.HtmlEncode(name.TrimEnd('/'))}</h1>");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ConferencePage(app, address.TrimEnd('/') + "/");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
