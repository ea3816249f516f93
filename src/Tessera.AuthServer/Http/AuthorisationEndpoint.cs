using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tessera.AuthServer.Conferences;
using Tessera.AuthServer.Login;

namespace Tessera.AuthServer.Http;

/// <summary>
/// <c>POST /</c>: the authorisation-server exchange of auth.md §9. JSON in
/// (<c>username</c>, <c>password</c>, <c>location</c>), a compact JWS out as <c>application/jwt</c>.
/// </summary>
public sealed class AuthorisationEndpoint(LoginService login, ConferenceSet conferences, TimeSpan tokenLifetime)
{
    /// <summary><c>OPTIONS /</c>: the CORS preflight.</summary>
    public Task PreflightAsync(HttpContext context)
    {
        if (Cors.Apply(context, conferences))
            context.Response.Headers.AccessControlMaxAge = "600";
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    public async Task PostAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        if (!Cors.Apply(context, conferences))
        {
            await Text(context, StatusCodes.Status403Forbidden, "origin not allowed");
            return;
        }
        if (!context.Request.HasJsonContentType())
        {
            await Text(context, StatusCodes.Status400BadRequest, "expected application/json");
            return;
        }

        LoginRequest request;
        try
        {
            request = await LoginRequest.ReadAsync(context.Request.Body, context.RequestAborted);
        }
        catch (Exception e) when (e is JsonException or FormatException or BadHttpRequestException)
        {
            await Text(context, StatusCodes.Status400BadRequest, "malformed request: " + (e is FormatException ? e.Message : "invalid JSON"));
            return;
        }

        switch (conferences.TryParseGroupUrl(request.Location, out var target))
        {
            case LocationError.Malformed:
                await Text(context, StatusCodes.Status400BadRequest, "location must be a group URL: <conference>/group/<name>/");
                return;
            case LocationError.NotOurs:
                await Text(context, StatusCodes.Status403Forbidden, "this server does not issue tokens for that location");
                return;
        }

        var client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        var outcome = await login.LoginAsync(request.Username, request.Password, target!, client, tokenLifetime,
                                             allowFallback: true, context.RequestAborted);
        switch (outcome)
        {
            case LoginOutcome.Issued issued:
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/jwt";
                await Body(context, issued.Token);
                break;
            case LoginOutcome.Fallback:
                response.StatusCode = StatusCodes.Status204NoContent;
                break;
            case LoginOutcome.Throttled throttled:
                response.Headers.RetryAfter = ((int)Math.Ceiling(throttled.RetryAfter.TotalSeconds)).ToString();
                await Text(context, StatusCodes.Status429TooManyRequests, "too many failed attempts; try again later");
                break;
            case LoginOutcome.Denied:
                await Text(context, StatusCodes.Status403Forbidden, "not allowed in this group");
                break;
            case LoginOutcome.BackendFailed:
                await Text(context, StatusCodes.Status502BadGateway, "the account directory is unavailable");
                break;
            default:
                await Text(context, StatusCodes.Status401Unauthorized, "wrong username or password");
                break;
        }
    }

    private static Task Text(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return Body(context, message + "\n");
    }

    /// <summary>With a Content-Length rather than chunked encoding: one write, simplest for every client.</summary>
    private static Task Body(HttpContext context, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }
}
