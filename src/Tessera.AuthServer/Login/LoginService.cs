using System.Net;
using Microsoft.Extensions.Logging;
using Tessera.Auth.Throttling;
using Tessera.AuthServer.Backends;
using Tessera.AuthServer.Conferences;
using Tessera.AuthServer.Rules;
using Tessera.AuthServer.Tokens;

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
    ILogger<LoginService> logger)
{
    public async Task<LoginOutcome> LoginAsync(string username, string password, GroupTarget target, IPAddress client,
                                               TimeSpan lifetime, bool allowFallback, CancellationToken cancellationToken)
    {
        // Every attempt takes one from the address's bucket (a success gives it back), then a
        // password is only checked while its (user, address) pair and its user are not blocked.
        if (throttle.BeginAttempt(client) is { Allowed: false } flooding)
        {
            logger.LogWarning("login attempts from {Address} over the rate; refused for {Seconds:F0} s", client, flooding.RetryAfter.TotalSeconds);
            return new LoginOutcome.Throttled(flooding.RetryAfter);
        }
        if (!GroupNames.IsValidUsername(username)) return new LoginOutcome.Refused();
        var decision = throttle.Check(username, client);
        if (!decision.Allowed)
        {
            logger.LogWarning("login throttled: user {User} from {Address}", username, client);
            return new LoginOutcome.Throttled(decision.RetryAfter);
        }

        BackendResult.Authenticated? authenticated = null;
        foreach (var backend in backends)
        {
            BackendResult result;
            try
            {
                result = await backend.AuthenticateAsync(username, password, cancellationToken).ConfigureAwait(false);
            }
            catch (BackendException e)
            {
                logger.LogError("back end {Backend} failed for user {User}: {Error}", backend.Name, username, e.Message);
                return new LoginOutcome.BackendFailed();
            }
            if (result is BackendResult.Unknown) continue;
            if (result is BackendResult.Refused)
            {
                throttle.RecordFailure(username, client);
                logger.LogInformation("login refused: user {User} from {Address} ({Backend})", username, client, backend.Name);
                return new LoginOutcome.Refused();
            }
            authenticated = (BackendResult.Authenticated)result;
            break;
        }

        if (authenticated is null)
        {
            if (passwordFallback && allowFallback) return new LoginOutcome.Fallback();
            throttle.RecordFailure(username, client);
            logger.LogInformation("login refused: unknown user {User} from {Address}", username, client);
            return new LoginOutcome.Refused();
        }

        throttle.RecordSuccess(username, client);
        throttle.RefundAttempt(client);
        IReadOnlyList<string>? permissions = rules.Decide(target.Group, username, authenticated.Groups) switch
        {
            RuleDecision.Grant grant => grant.Permissions,
            RuleDecision.Deny => null,
            // No rule: a users-file entry's own permissions; directory accounts get nothing without a rule.
            _ => authenticated.OwnPermissions,
        };
        if (permissions is null)
        {
            logger.LogInformation("login denied by rules: user {User} for group {Group}", username, target.Group);
            return new LoginOutcome.Denied();
        }
        var token = issuer.Issue(username, target.Url, permissions, lifetime);
        if (logger.IsEnabled(LogLevel.Debug))
            logger.LogDebug("token issued: user {User} for group {Group} [{Permissions}]", username, target.Group, string.Join(",", permissions));
        return new LoginOutcome.Issued(token);
    }
}
