using System.Net;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace Tessera.Web;

/// <summary>Who may read <c>/metrics</c>: nobody unless enabled, then listed addresses (single or CIDR) and administrators.</summary>
public sealed record MetricsAccess(bool Enabled, IReadOnlyList<IPNetwork> AllowFrom)
{
    public static readonly MetricsAccess Off = new(false, []);

    public bool Admits(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return AllowFrom.Any(n => n.Contains(address));
    }

    /// <summary>Parses <c>"10.0.0.0/8"</c> or a single address; null when it is neither.</summary>
    public static IPNetwork? ParseEntry(string entry)
    {
        if (IPNetwork.TryParse(entry, out var network)) return network;
        if (IPAddress.TryParse(entry, out var address))
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return null;
    }
}

/// <summary>
/// Serves one Prometheus registry in the text exposition format (prometheus-net writes it; no
/// hand-made format). Off by default; a refused scrape answers 404 when metrics are off, so their
/// existence is not advertised, and 403 otherwise.
/// </summary>
public sealed class MetricsEndpoint(CollectorRegistry registry, Func<MetricsAccess> access, Func<HttpContext, Task<bool>> isAdministrator)
{
    public async Task HandleAsync(HttpContext context)
    {
        var method = context.Request.Method;
        var rules = access();
        if (!rules.Enabled)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD";
            return;
        }
        var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (!rules.Admits(address) && !await isAdministrator(context))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("metrics are readable from the addresses in allowFrom, or by an administrator\n");
            return;
        }
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        if (HttpMethods.IsHead(method)) return;
        await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }
}
