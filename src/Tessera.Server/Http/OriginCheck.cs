namespace Tessera.Server.Http;

/// <summary>The Origin rule of http.md §8: same host, or listed verbatim (case-insensitively).</summary>
public static class OriginCheck
{
    public static bool Allowed(HttpRequest request, IReadOnlyList<string>? allowed, bool configReadable)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin == "") return true;
        if (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}", request.Host.Value, StringComparison.OrdinalIgnoreCase))
            return true;
        // An origin with an explicit default port ("https://a.org:443") still names host "a.org".
        if (Uri.TryCreate(origin, UriKind.Absolute, out uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
            return true;
        if (!configReadable || allowed is null) return false;
        return allowed.Any(a => string.Equals(a, origin, StringComparison.OrdinalIgnoreCase));
    }
}
