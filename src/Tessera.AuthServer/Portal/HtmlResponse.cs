using Microsoft.AspNetCore.Http;

namespace Tessera.AuthServer.Portal;

/// <summary>How every portal page is sent: never cached, no script, no framing, no referrer.</summary>
public static class HtmlResponse
{
    /// <param name="formAction">The CSP <c>form-action</c> sources: where the page's forms may go.</param>
    public static async Task WriteAsync(HttpContext context, int status, string html, string formAction)
    {
        var headers = context.Response.Headers;
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'unsafe-inline'; form-action {formAction}; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        await context.Response.WriteAsync(html, context.RequestAborted);
    }
}
