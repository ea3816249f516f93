namespace Tessera.Server.Http;

/// <summary>Headers carried by static files and the group page (http.md §4.1).</summary>
public static class SecurityHeaders
{
    public static void Apply(HttpResponse response, string? authServer = null)
    {
        var connect = string.IsNullOrEmpty(authServer) ? "" : authServer + " ";
        response.Headers.ContentSecurityPolicy =
            $"connect-src {connect}ws: wss: 'self'; img-src 'self'; media-src blob: 'self'; " +
            "script-src 'unsafe-eval' 'self'; default-src 'self'";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
    }
}
