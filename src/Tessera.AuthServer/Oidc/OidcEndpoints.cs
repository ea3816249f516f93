using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Tessera.Auth;
using Tessera.AuthServer.Conferences;
using Tessera.AuthServer.Login;
using Tessera.AuthServer.Portal;

namespace Tessera.AuthServer.Oidc;

/// <summary>
/// Single sign-on on the portal. <c>GET /oidc/NAME/start</c> checks the group to return to, as the
/// password form does, remembers the sign-in in the browser and sends it to the provider;
/// <c>GET /oidc/NAME/callback</c> takes it back, checks that this browser started it, redeems the
/// code, validates the ID token, applies the rules and sends the browser to the group with a token.
/// Every failure is a page that says what went wrong, never a token.
/// </summary>
public sealed class OidcEndpoints(
    IReadOnlyDictionary<string, OidcProvider> providers,
    LoginService login,
    ConferenceSet conferences,
    PendingLoginCookies pending,
    TimeSpan tokenLifetime,
    bool tokenInFragment,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>The CSP form-action of these pages: they hold no form.</summary>
    private const string NoForms = "'none'";

    public IEnumerable<ProviderButton> Buttons => providers.Values.Select(p => new ProviderButton(p.Name, p.Label));

    public async Task StartAsync(HttpContext context, string name)
    {
        if (!providers.TryGetValue(name, out var provider))
        {
            await Message(context, StatusCodes.Status404NotFound, "No such sign-in", "This portal has no sign-in of that name.", null);
            return;
        }
        var q = context.Request.Query;
        var resolved = string.IsNullOrEmpty(q["return"]) ? conferences.TryFromParts(q["conference"], q["group"], out var target)
                                                          : conferences.TryParseGroupUrl(q["return"], out target);
        if (resolved != LocationError.None)
        {
            await Message(context, StatusCodes.Status400BadRequest, "Cannot sign in",
                          "This sign-in link does not name a group on a server this portal serves.", "../../");
            return;
        }
        var retry = RetryHref(target!);
        OpenIdConnectConfiguration metadata;
        try
        {
            metadata = await provider.Metadata.GetAsync(context.RequestAborted);
        }
        catch (ProviderUnavailableException e)
        {
            logger.LogError("sign-in through {Provider} cannot start: {Error}", provider.Name, e.Message);
            await Message(context, StatusCodes.Status502BadGateway, "Sign-in unavailable",
                          $"{provider.Label}: the sign-in service is not answering. Please try again later.", retry);
            return;
        }
        var pendingLogin = new PendingLogin(provider.Name, State: Pkce.NewSecret(), Nonce: Pkce.NewSecret(), CodeVerifier: Pkce.NewSecret(),
                                            target!.Url, time.GetUtcNow() + provider.LoginTimeout);
        pending.Write(context, pendingLogin);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.Location = provider.AuthorizationUrl(metadata, pendingLogin);
    }

    public async Task CallbackAsync(HttpContext context, string name)
    {
        if (!providers.TryGetValue(name, out var provider))
        {
            await Message(context, StatusCodes.Status404NotFound, "No such sign-in", "This portal has no sign-in of that name.", null);
            return;
        }
        var q = context.Request.Query;
        var state = q["state"].ToString();
        var started = state.Length is > 0 and <= 128 ? pending.Take(context, state) : null;
        if (started is null || started.Provider != provider.Name)
        {
            logger.LogWarning("sign-in through {Provider} refused: state unknown to this browser, spent or expired ({Address})",
                              provider.Name, context.Connection.RemoteIpAddress);
            login.SignInRefused(provider.Name, "rejected");
            await Message(context, StatusCodes.Status403Forbidden, "Sign-in expired",
                          "This sign-in was not started in this browser, has already been used, or took too long. Please start again.", "../../");
            return;
        }
        var retry = conferences.TryParseGroupUrl(started.ReturnUrl, out var target) == LocationError.None ? RetryHref(target!) : "../../";
        if (target is null)
        {
            // The configuration changed while the person was away and no longer serves that group.
            await Message(context, StatusCodes.Status400BadRequest, "Cannot sign in", "That group is not on a server this portal serves.", null);
            return;
        }
        // RFC 9207: a provider that names itself must name the one we sent the browser to.
        if (q.TryGetValue("iss", out var iss) && iss.ToString() != provider.Issuer)
        {
            logger.LogWarning("sign-in through {Provider} refused: the answer names another issuer", provider.Name);
            login.SignInRefused(provider.Name, "rejected");
            await Message(context, StatusCodes.Status403Forbidden, "Sign-in refused", "The answer did not come from the expected sign-in service.", retry);
            return;
        }
        if (!string.IsNullOrEmpty(q["error"]))
        {
            var error = Printable(q["error"].ToString());
            logger.LogInformation("sign-in through {Provider} ended by the provider: {Error}", provider.Name, error);
            login.SignInRefused(provider.Name, "rejected");
            var text = error == "access_denied" ? "You did not sign in (the sign-in service says access was denied)."
                                                : $"The sign-in service did not sign you in ({error}).";
            await Message(context, StatusCodes.Status403Forbidden, "Not signed in", text, retry);
            return;
        }
        var code = q["code"].ToString();
        if (code.Length == 0)
        {
            await Message(context, StatusCodes.Status400BadRequest, "Not signed in", "The sign-in service sent no authorisation code.", retry);
            return;
        }

        var client = context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None;
        if (login.BeginSignIn(provider.Name, client) is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Message(context, StatusCodes.Status429TooManyRequests, "Too many sign-ins",
                          $"Too many sign-ins from your address. Please wait {seconds} seconds and start again.", retry);
            return;
        }

        SignedInClaims claims;
        try
        {
            claims = await provider.CompleteAsync(code, started, context.RequestAborted);
        }
        catch (ProviderUnavailableException e)
        {
            logger.LogError("sign-in through {Provider} failed: {Error}", provider.Name, e.Message);
            login.SignInRefused(provider.Name, "backend-failed");
            await Message(context, StatusCodes.Status502BadGateway, "Sign-in unavailable",
                          $"{provider.Label}: the sign-in service is not answering properly. Please try again later.", retry);
            return;
        }
        catch (SignInRejectedException e)
        {
            logger.LogWarning("sign-in through {Provider} refused: {Error}", provider.Name, e.Message);
            login.SignInRefused(provider.Name, "rejected");
            await Message(context, StatusCodes.Status403Forbidden, "Sign-in refused",
                          "The sign-in service's answer could not be accepted. Please start again.", retry);
            return;
        }

        var username = claims.String(provider.UsernameClaim)?.Trim();
        if (string.IsNullOrEmpty(username) || !GroupNames.IsValidLoginName(username))
        {
            logger.LogWarning("sign-in through {Provider} refused: claim {Claim} is missing or not a valid username", provider.Name, provider.UsernameClaim);
            login.SignInRefused(provider.Name, "invalid-name");
            await Message(context, StatusCodes.Status403Forbidden, "Sign-in refused",
                          "The sign-in service did not give a username this server can use.", retry);
            return;
        }
        var groups = provider.GroupsClaims.SelectMany(claims.Strings).Distinct(StringComparer.Ordinal).ToList();
        var outcome = login.Admit(provider.Name, username, groups, target, tokenLifetime, client);
        if (outcome is not LoginOutcome.Issued issued)
        {
            await Message(context, StatusCodes.Status403Forbidden, "Not allowed",
                          $"You are signed in as {username}, but you are not allowed to join {target.Group}.", null);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.Location = target.Url + (tokenInFragment ? "#token=" : "?token=") + Uri.EscapeDataString(issued.Token);
    }

    /// <summary>The portal's page for this group, relative to <c>/oidc/NAME/…</c>.</summary>
    private static string RetryHref(GroupTarget target) => "../../?return=" + Uri.EscapeDataString(target.Url);

    private Task Message(HttpContext context, int status, string title, string message, string? retry) =>
        HtmlResponse.WriteAsync(context, status, PortalPage.RenderMessage(title, message, retry), NoForms);

    /// <summary>Text from the query goes into pages and logs: keep it short and printable.</summary>
    private static string Printable(string text) =>
        new(text.Take(64).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}
