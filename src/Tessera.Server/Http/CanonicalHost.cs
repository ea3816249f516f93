using Microsoft.AspNetCore.Http.Features;
using Tessera.Protocol.Config;

namespace Tessera.Server.Http;

/// <summary>
/// Sends requests made under another host name to <c>canonicalHost</c> (http.md §2). Unlike
/// Galène, the query string survives (an invitation link keeps its token), the method is kept
/// (308) and the scheme follows the server's own setup.
/// </summary>
public sealed class CanonicalHost(RequestDelegate next, ServerConfigSource config, bool insecure)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var exempt = path == "/ws" || path == "/public-groups.json" || path.StartsWith("/galene-api", StringComparison.Ordinal)
                     || path == "/recordings";
        var current = config.TryGet(out _);
        var canonical = current?.CanonicalHost;
        if (exempt || string.IsNullOrEmpty(canonical)
            || string.Equals(context.Request.Host.Value, canonical, StringComparison.OrdinalIgnoreCase))
            return next(context);

        var scheme = insecure ? "http" : "https";
        if (Uri.TryCreate(current!.ProxyUrl, UriKind.Absolute, out var proxy)) scheme = proxy.Scheme;
        HttpErrors.Redirect(context, StatusCodes.Status308PermanentRedirect, $"{scheme}://{canonical}{Target(context)}");
        return Task.CompletedTask;
    }

    /// <summary>
    /// The path and query as the client sent them. Rebuilt from the decoded path, an escaped
    /// percent sign ("%2541" for a group named "50%41") would come back unescaped and name another
    /// group; the rebuilt form serves only a target that is not plain visible ASCII from '/'.
    /// </summary>
    private static string Target(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is { Length: > 0 } && raw[0] == '/' && raw.All(c => c > ' ' && c < 0x7F)) return raw;
        return $"{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
    }
}
