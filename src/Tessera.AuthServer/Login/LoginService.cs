using System.Net;
using Microsoft.Extensions.Logging;
using Tessera.Auth;
using Tessera.Auth.Throttling;
using Tessera.AuthServer.Backends;
using Tessera.AuthServer.Conferences;
using Tessera.AuthServer.Issuing;
using Tessera.AuthServer.Rules;

namespace Tessera.AuthServer.Login;

/// <summary>
/// One login: throttle, back ends in order (the first that knows the user decides), rules, token.
/// Shared by the authorisation-server route and the portal. Logs usernames and outcomes,
/// never passwords or tokens.
/// </summary>
public sealed class LoginService(
    IReadOnlyList<IUserBackend> backends,
    RuleSet rules,
    TokenIssuer issuer,
    LoginThrottle throttle,
    bool passwordFallback,
    TimeProvider time,
    ILogger<LoginService> logger,
    Monitoring.AuthMetrics metrics,
    ILogger audit)
{
    /// <summary>
    /// Every refusal takes at least this long from the moment the request arrived, so an unknown
    /// user, a plain-password user and a bcrypt user all answer alike and timing cannot tell
    /// which names exist. It must exceed the slowest refusal of the back ends (README).
    /// </summary>
    public TimeSpan RefusalDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan TimerMargin = TimeSpan.FromMilliseconds(5);

    public async Task<LoginOutcome> LoginAsync(string typedUsername, string password, GroupTarget target, IPAddress client,
                                               TimeSpan lifetime, bool allowFallback, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        // Every attempt takes one from the address's bucket (a success gives it back), then a
        // password is only checked while its (user, address) pair and its user are not blocked.
        if (throttle.BeginAttempt(client) is { Allowed: false } flooding)
        {
            // As frequent as the flood itself: Debug, so the flood does not reach the log.
            logger.LogDebug("login attempts from {Address} over the rate; refused for {Seconds:F0} s", client, flooding.RetryAfter.TotalSeconds);
            metrics.Refused("", "throttled");
            return new LoginOutcome.Throttled(flooding.RetryAfter);
        }
        var username = UsernameForm.Trim(typedUsername);
        // Spellings a back end could take for one account share one allowance.
        var throttleKey = UsernameForm.Key(username);
        if (!GroupNames.IsValidLoginName(username))
        {
            metrics.Refused("", "invalid-name");
            return await RefuseAsync(started, cancellationToken).ConfigureAwait(false);
        }
        var decision = throttle.Check(throttleKey, client);
        if (!decision.Allowed)
        {
            logger.LogWarning("login throttled: user {User} from {Address}", username, client);
            metrics.Refused("", "throttled");
            return new LoginOutcome.Throttled(decision.RetryAfter);
        }

        BackendResult.Authenticated? authenticated = null;
        IUserBackend? decidingBackend = null;
        foreach (var backend in backends)
        {
            BackendResult result;
            var asked = time.GetTimestamp();
            try
            {
                result = await backend.AuthenticateAsync(username, password, cancellationToken).ConfigureAwait(false);
            }
            catch (BackendException e)
            {
                logger.LogError("back end {Backend} failed for user {User}: {Error}", backend.Name, username, e.Message);
                metrics.Refused(backend.Name, "backend-failed");
                return new LoginOutcome.BackendFailed();
            }
            finally
            {
                metrics.BackendAnswered(backend.Name, time.GetElapsedTime(asked));
            }
            if (result is BackendResult.Unknown) continue;
            if (result is BackendResult.Refused)
            {
                throttle.RecordFailure(throttleKey, client);
                logger.LogInformation("login refused: user {User} from {Address} ({Backend})", username, client, backend.Name);
                metrics.Refused(backend.Name, "wrong-password");
                return await RefuseAsync(started, cancellationToken).ConfigureAwait(false);
            }
            authenticated = (BackendResult.Authenticated)result;
            decidingBackend = backend;
            break;
        }

        if (authenticated is null)
        {
            if (passwordFallback && allowFallback) return new LoginOutcome.Fallback();
            throttle.RecordFailure(throttleKey, client);
            logger.LogInformation("login refused: unknown user {User} from {Address}", username, client);
            metrics.Refused("", "unknown-user");
            return await RefuseAsync(started, cancellationToken).ConfigureAwait(false);
        }

        throttle.Succeeded(client, throttleKey);
        // From here on the account's own name, as its back end stores it, never the typed spelling.
        var account = authenticated.CanonicalName;
        IReadOnlyList<string>? permissions = rules.Decide(target.Group, account, authenticated.Groups, decidingBackend!.MatchesNamesLoosely) switch
        {
            RuleDecision.Grant grant => grant.Permissions,
            RuleDecision.Deny => null,
            // No rule: a users-file entry's own permissions; directory accounts get nothing without a rule.
            _ => authenticated.OwnPermissions,
        };
        if (permissions is null)
        {
            logger.LogInformation("login denied by rules: user {User} for group {Group}", account, target.Group);
            metrics.Refused(decidingBackend.Name, "denied");
            return new LoginOutcome.Denied();
        }
        var token = issuer.Issue(account, target.Url, permissions, lifetime);
        metrics.Issued(decidingBackend.Name);
        // The audit trail: who was given what, never the token itself.
        audit.LogInformation("token issued: user {User} group {Group} from {Address} backend {Backend} lifetime {Lifetime}s permissions [{Permissions}]",
                             account, target.Group, client, decidingBackend.Name, (int)lifetime.TotalSeconds, string.Join(",", permissions));
        return new LoginOutcome.Issued(token);
    }

    /// <summary>
    /// A single sign-on is about to ask its provider: it takes one attempt from the address's
    /// bucket, as a password login does, so one address cannot make us flood a provider. Null when
    /// allowed; otherwise how long to wait. <see cref="Admit"/> gives the attempt back.
    /// </summary>
    public TimeSpan? BeginSignIn(string provider, IPAddress client)
    {
        if (throttle.BeginAttempt(client) is { Allowed: false } flooding)
        {
            logger.LogDebug("sign-ins from {Address} over the rate; refused for {Seconds:F0} s", client, flooding.RetryAfter.TotalSeconds);
            SignInRefused(provider, "throttled");
            return flooding.RetryAfter;
        }
        return null;
    }

    /// <summary>
    /// A person an OpenID Connect provider vouched for: only the rules decide (there is no
    /// account of ours to fall back on), then the token. The provider checked the credentials,
    /// with its own limits; the address's attempt is given back.
    /// </summary>
    public LoginOutcome Admit(string provider, string account, IReadOnlyList<string> groups, GroupTarget target, TimeSpan lifetime,
                              IPAddress client)
    {
        throttle.RefundAttempt(client);
        if (rules.Decide(target.Group, account, groups, loosely: false, provider) is not RuleDecision.Grant grant)
        {
            logger.LogInformation("sign-in through {Provider} denied by rules: user {User} for group {Group}", provider, account, target.Group);
            SignInRefused(provider, "denied");
            return new LoginOutcome.Denied();
        }
        var token = issuer.Issue(account, target.Url, grant.Permissions, lifetime);
        metrics.Issued(ProviderLabel(provider));
        audit.LogInformation("token issued: user {User} group {Group} from {Address} backend {Backend} lifetime {Lifetime}s permissions [{Permissions}]",
                             account, target.Group, client, ProviderLabel(provider), (int)lifetime.TotalSeconds, string.Join(",", grant.Permissions));
        return new LoginOutcome.Issued(token);
    }

    /// <summary>Counts a single sign-on that ended without a token (reasons as in <see cref="AuthMetrics.Refused"/>).</summary>
    public void SignInRefused(string provider, string reason) => metrics.Refused(ProviderLabel(provider), reason);

    /// <summary>How an OpenID Connect back end is named in metrics and the audit trail, beside <c>file:users.json</c>.</summary>
    private static string ProviderLabel(string provider) => "oidc:" + provider;

    private async Task<LoginOutcome> RefuseAsync(long started, CancellationToken cancellationToken)
    {
        // Timers can fire a few milliseconds early (measured: up to 4 ms): a small margin keeps
        // the floor a floor.
        var left = RefusalDelay - time.GetElapsedTime(started);
        if (left > TimeSpan.Zero) await Task.Delay(left + TimerMargin, time, cancellationToken).ConfigureAwait(false);
        return new LoginOutcome.Refused();
    }
}
