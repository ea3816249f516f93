namespace Tessera.Server.Http;

/// <summary>Error answers in Galène's shapes (http.md §4.3).</summary>
public static class HttpErrors
{
    public static Task Text(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text + "\n");
    }

    public static Task InternalError(HttpContext context) =>
        Text(context, StatusCodes.Status500InternalServerError, "Internal server error");

    public static Task MethodNotAllowed(HttpContext context, string methods)
    {
        context.Response.Headers.Allow = "OPTIONS, " + methods;
        return Text(context, StatusCodes.Status405MethodNotAllowed, "method not allowed");
    }

    /// <summary>The static <c>404.html</c>, or a one-line fallback.</summary>
    public static async Task NotFound(HttpContext context, string staticRoot)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/html; charset=utf-8";
        var page = Path.Combine(staticRoot, "404.html");
        if (File.Exists(page)) await context.Response.SendFileAsync(page);
        else await context.Response.WriteAsync("<p>Not found</p>\n");
    }

    public static void Redirect(HttpContext context, int status, string location)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
    }
}
