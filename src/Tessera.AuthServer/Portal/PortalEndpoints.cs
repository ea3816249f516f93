using System.Net;
using Microsoft.AspNetCore.Http;
using Tessera.AuthServer.Conferences;
using Tessera.AuthServer.Login;

namespace Tessera.AuthServer.Portal;

/// <summary>
/// The authorisation portal (auth.md §10, §11.2): <c>GET /</c> shows the sign-in form,
/// <c>POST /login</c> checks it and answers 303 to <c>CONFERENCE/group/NAME/?token=JWT</c> (or
/// <c>#token=</c>). The return target is either a <c>return</c> URL or <c>group</c> (+ <c>conference</c>),
/// always checked against the configured conferences and the group-name rule.
/// </summary>
/// <param name="providers">The single sign-on buttons, one per OpenID Connect back end.</param>
/// <param name="passwordForm">Whether some back end takes passwords.</param>
public sealed class PortalEndpoints(LoginService login, ConferenceSet conferences, PortalState state,
                                    TimeSpan tokenLifetime, bool tokenInFragment,
                                    IReadOnlyList<ProviderButton> providers, bool passwordForm)
{
    private readonly string _formAction = "'self' " + string.Join(' ', conferences.All.Select(c => c.Origin).Distinct());

    public async Task GetAsync(HttpContext context)
    {
        var q = context.Request.Query;
        GroupTarget? target = null;
        string? error = null;
        if (q.ContainsKey("return") || q.ContainsKey("group") || q.ContainsKey("conference"))
        {
            if (Resolve(q["return"], q["conference"], q["group"], out target) != LocationError.None)
                error = "This sign-in link does not name a group on a server this portal serves.";
        }
        await Page(context, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest,
                   new PortalPage.Model(state.Issue(context), target, conferences.All, Error: error,
                                        TypedGroup: target is null ? q["group"].ToString() : null));
    }

    public async Task PostAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var username = form["username"].ToString();
        var typedGroup = form["group"].ToString();
        var resolved = Resolve(form["return"], form["conference"], form["group"], out var target);

        if (!state.Verify(context, form["state"]))
        {
            await Page(context, StatusCodes.Status403Forbidden,
                       new PortalPage.Model(state.Issue(context), target, conferences.All, username,
                                            "This form has expired or was not sent from this site. Please sign in again.", typedGroup));
            return;
        }
        if (resolved != LocationError.None)
        {
            await Page(context, StatusCodes.Status400BadRequest,
                       new PortalPage.Model(state.Issue(context), null, conferences.All, username,
                                            "That is not a group on a server this portal serves.", typedGroup));
            return;
        }

        var client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        var outcome = await login.LoginAsync(username, form["password"].ToString(), target!, client, tokenLifetime,
                                             allowFallback: false, context.RequestAborted);
        if (outcome is LoginOutcome.Issued issued)
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = target!.Url + (tokenInFragment ? "#token=" : "?token=") + Uri.EscapeDataString(issued.Token);
            return;
        }
        var (status, message) = outcome switch
        {
            LoginOutcome.Throttled t => (StatusCodes.Status429TooManyRequests,
                $"Too many failed attempts. Please wait {Math.Ceiling(t.RetryAfter.TotalSeconds)} seconds and try again."),
            LoginOutcome.Denied => (StatusCodes.Status403Forbidden, "You are not allowed to join this group."),
            LoginOutcome.BackendFailed => (StatusCodes.Status502BadGateway, "The account directory is unavailable. Please try again later."),
            _ => (StatusCodes.Status401Unauthorized, "Wrong username or password."),
        };
        if (outcome is LoginOutcome.Throttled th)
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(th.RetryAfter.TotalSeconds)).ToString();
        await Page(context, status, new PortalPage.Model(state.Issue(context), target, conferences.All, username, message, typedGroup));
    }

    private LocationError Resolve(string? returnUrl, string? conference, string? group, out GroupTarget? target)
    {
        if (!string.IsNullOrEmpty(returnUrl)) return conferences.TryParseGroupUrl(returnUrl, out target);
        return conferences.TryFromParts(conference, group, out target);
    }

    private Task Page(HttpContext context, int status, PortalPage.Model model) =>
        HtmlResponse.WriteAsync(context, status, PortalPage.Render(model with { Providers = providers, PasswordForm = passwordForm }), _formAction);
}
