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

    /// <summary>
    /// For routes that only serve (pages, files, status): GET and HEAD go on (false); OPTIONS
    /// gets 204 with <c>Allow</c>, anything else 405 (true). Without this, a method such as CONNECT
    /// reached the file sender, which Kestrel refused with a 500 and a stack trace.
    /// </summary>
    public static async Task<bool> RefusedUnlessRead(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) return false;
        if (HttpMethods.IsOptions(method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            context.Response.Headers.Allow = ReadMethods;
            return true;
        }
        await MethodNotAllowed(context, "GET, HEAD");
        return true;
    }

    private const string ReadMethods = "OPTIONS, GET, HEAD";

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
