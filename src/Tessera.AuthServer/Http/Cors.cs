using Microsoft.AspNetCore.Http;
using Tessera.AuthServer.Conferences;

namespace Tessera.AuthServer.Http;

/// <summary>
/// Cross-origin access for the authorisation-server route (auth.md §9): only the configured
/// conference origins may call it, and each gets its own origin echoed back.
/// </summary>
public static class Cors
{
    /// <returns>false when the request carries an <c>Origin</c> that is not a configured conference.</returns>
    public static bool Apply(HttpContext context, ConferenceSet conferences)
    {
        context.Response.Headers.Vary = "Origin";
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        if (conferences.ByOrigin(origin) is null) return false;
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowMethods = "POST";
        headers.AccessControlAllowHeaders = "Content-Type";
        return true;
    }
}
