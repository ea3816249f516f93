namespace Tessera.Server.Http;

/// <summary>
/// The public root of the server for one request: scheme and host of the request, replaced by
/// <c>proxyURL</c>'s when set (http.md §3).
/// </summary>
public sealed record BaseUrl(string Scheme, string Host, string Path)
{
    /// <returns>null when proxyURL cannot be parsed.</returns>
    public static BaseUrl? For(HttpRequest request, string? proxyUrl)
    {
        var scheme = request.IsHttps ? "https" : "http";
        var host = request.Host.Value ?? "";
        var path = "";
        if (!string.IsNullOrEmpty(proxyUrl))
        {
            if (!Uri.TryCreate(proxyUrl, UriKind.Absolute, out var proxy))
            {
                // "http:" alone is a valid proxyURL that only changes the scheme.
                if (proxyUrl.EndsWith(':') && proxyUrl.TrimEnd(':').All(char.IsLetter)) return new BaseUrl(proxyUrl.TrimEnd(':').ToLowerInvariant(), host, "");
                return null;
            }
            scheme = proxy.Scheme;
            if (proxy.Authority != "") host = proxy.Authority;
            path = proxy.AbsolutePath.TrimEnd('/');
        }
        return new BaseUrl(scheme, host, path);
    }

    public string GroupLocation(string name) => $"{Scheme}://{Host}{Path}{GroupPath.PageUrlPath(name)}";

    public string WebSocketEndpoint() => $"{(Scheme == "http" ? "ws" : "wss")}://{Host}{Path}/ws";
}
