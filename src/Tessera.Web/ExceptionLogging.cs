using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;

namespace Tessera.Web;

/// <summary>
/// The outermost middleware of both servers: a request that throws gets a bare 500 (no details
/// for the client), and the stack trace reaches the log at most once per minute per cause, so
/// no stream of bad requests can flood the log. Later occurrences are counted and the count is
/// reported with the next full trace; in between each one is a Debug line only.
/// </summary>
public sealed class ExceptionLogging(RequestDelegate next, LogThrottle limiter, ILogger<ExceptionLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!(e is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            var cause = LogThrottle.CauseOf(e);
            if (limiter.ShouldLog(cause, out var suppressed))
                logger.LogError(e, "{Method} {Path} failed ({Suppressed} similar failures not logged in the last period)",
                                context.Request.Method, context.Request.Path, suppressed);
            else
                logger.LogDebug("{Method} {Path} failed again: {Cause}", context.Request.Method, context.Request.Path, cause);

            if (context.Response.HasStarted)
            {
                context.Abort(); // the status line is gone; a cut connection is the only honest signal left
                return;
            }
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("Internal server error\n");
        }
    }
}

public static class ExceptionLoggingExtensions
{
    /// <summary>Distinct failure causes a server remembers at once for its HTTP requests and connections.</summary>
    public const int FailureCauses = 1000;

    /// <summary>Installs <see cref="ExceptionLogging"/> first in the pipeline, with its own limiter.</summary>
    public static IApplicationBuilder UseRateLimitedExceptionLogging(this IApplicationBuilder app, TimeProvider time) =>
        app.UseMiddleware<ExceptionLogging>(new LogThrottle(time, FailureCauses));
}
