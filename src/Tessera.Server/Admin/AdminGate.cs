using System.Net;
using Tessera.Auth;
using Tessera.Auth.Login;
using Tessera.Auth.Passwords;
using Tessera.Auth.Permissions;
using Tessera.Auth.Throttling;
using Tessera.Auth.Tokens;
using Tessera.Protocol.Config;
using Tessera.Protocol.Descriptions;
using Tessera.Protocol.Login;

namespace Tessera.Server.Admin;

/// <summary>Whether an API request may go on, and as whom (for the log), or why not.</summary>
public sealed record AdminDecision(bool Allowed, string Who, string? Refusal, TimeSpan RetryAfter)
{
    public static AdminDecision Allow(string who) => new(true, who, null, TimeSpan.Zero);
    public static AdminDecision Refuse(string reason) => new(false, "", reason, TimeSpan.Zero);
    public static AdminDecision Throttled(TimeSpan wait) => new(false, "", "throttled after repeated failures", wait);
}

/// <summary>
/// Who may use the administrative API (http.md §10.1, auth.md §7). Reject by default: every path
/// that does not end in an explicit grant refuses. Password checks go through the same per-address
/// bucket and per-user failure counts as joins (<see cref="LoginThrottle"/>), so the API is no
/// faster a way to guess a password than the login form.
/// </summary>
public sealed class AdminGate(PasswordVerifier passwords, ITokenStore tokens, JoinAuthenticator authenticator,
                              LoginThrottle throttle, TimeProvider time)
{
    /// <summary>Routes that only server administrators reach: <c>config.json</c> admins and global admin tokens.</summary>
    public Task<AdminDecision> ServerWideAsync(AdminCredentials credentials, ServerConfig? config, IPAddress address) =>
        GuardedAsync(credentials, address, "server", () => ServerAdminAsync(credentials, config));

    /// <summary>
    /// Group routes: server administrators, or credentials that join <paramref name="group"/> with
    /// <c>admin</c> among their permissions; for a named user's password, also that user's own password.
    /// </summary>
    public Task<AdminDecision> GroupAsync(AdminCredentials credentials, string group, GroupDescription? description,
                                          ServerConfig? config, IPAddress address, string? passwordOwner = null) =>
        GuardedAsync(credentials, address, group, async () =>
        {
            var server = await ServerAdminAsync(credentials, config);
            if (server.Allowed || description is null) return server.Allowed ? server : AdminDecision.Refuse("no such group, and not a server administrator");

            if (passwordOwner is not null && await OwnPasswordAsync(credentials, passwordOwner, description) is { } own)
                return own;

            JoinCredentials join;
            if (credentials.BearerToken is not null) join = new JoinCredentials(null, null, credentials.BearerToken);
            else if (credentials.HasBasic) join = new JoinCredentials(credentials.Username, credentials.Password);
            else return AdminDecision.Refuse("no credentials");
            var result = await authenticator.AuthenticateAsync(group, description, config, join, CancellationToken.None);
            if (!result.IsGranted) return AdminDecision.Refuse($"{Kind(credentials)} refused for group {group}: {result.Reason}");
            if (!result.Permissions.Contains(PermissionNames.Admin))
                return AdminDecision.Refuse($"'{result.Username}' has no admin permission in group {group}");
            return AdminDecision.Allow($"'{result.Username}' ({result.Method}, group {group})");
        });

    /// <summary>
    /// Beyond Galène, the owner's rule needs Basic credentials naming that very user: Galène compares
    /// the password only (and the empty string when no credentials are sent), so anyone could change
    /// the password of a user whose password is empty, or whose password happens to equal theirs.
    /// </summary>
    private async Task<AdminDecision?> OwnPasswordAsync(AdminCredentials credentials, string username, GroupDescription description)
    {
        if (!credentials.HasBasic || credentials.Username != username) return null;
        if (description.Users?.TryGetValue(username, out var user) != true) return null;
        try
        {
            return await passwords.VerifyAsync(user!.Password, credentials.Password ?? "")
                ? AdminDecision.Allow($"'{username}' (own password)")
                : null;
        }
        catch (PasswordFormatException)
        {
            return null;
        }
    }

    private async Task<AdminDecision> ServerAdminAsync(AdminCredentials credentials, ServerConfig? config)
    {
        if (config is null) return AdminDecision.Refuse("config.json is unreadable");
        if (credentials.BearerToken is { } bearer)
        {
            var token = await tokens.GetAsync(bearer);
            var check = StatefulTokenValidator.Check(token, "", token?.Username ?? "", _ => false, time.GetUtcNow());
            if (check.IsGranted && token!.Permissions?.Contains(PermissionNames.Admin) == true)
                return AdminDecision.Allow($"global token of '{token.Username ?? ""}'");
        }
        if (credentials.HasBasic && config.Users?.TryGetValue(credentials.Username!, out var user) == true)
        {
            bool matches;
            try
            {
                matches = await passwords.VerifyAsync(user.Password, credentials.Password ?? "");
            }
            catch (PasswordFormatException)
            {
                return AdminDecision.Refuse($"config.json: the password of '{credentials.Username}' is unusable");
            }
            if (!matches) return AdminDecision.Refuse($"wrong password for server administrator '{credentials.Username}'");
            // config.json users are not augmented: only an explicit admin permission counts (files.md §3.1).
            if (user.Permissions?.Expand().Contains(PermissionNames.Admin) == true)
                return AdminDecision.Allow($"'{credentials.Username}' (config.json)");
            return AdminDecision.Refuse($"'{credentials.Username}' has no admin permission in config.json");
        }
        return AdminDecision.Refuse(credentials.BearerToken is not null || credentials.HasBasic
            ? $"{Kind(credentials)} not a server administrator's"
            : "no credentials");
    }

    /// <summary>Every attempt takes one from its address's bucket and a success gives it back, as for joins.</summary>
    private async Task<AdminDecision> GuardedAsync(AdminCredentials credentials, IPAddress address, string realm,
                                                   Func<Task<AdminDecision>> decide)
    {
        var attempt = throttle.BeginAttempt(address);
        var passwordKey = credentials.HasBasic && credentials.BearerToken is null ? "api\0" + realm + "\0" + credentials.Username : null;
        if (attempt.Allowed && passwordKey is not null) attempt = throttle.Check(passwordKey, address);
        if (!attempt.Allowed) return AdminDecision.Throttled(attempt.RetryAfter);

        var decision = await decide();
        if (decision.Allowed)
        {
            throttle.Succeeded(address, passwordKey);
        }
        else if (passwordKey is not null)
        {
            throttle.RecordFailure(passwordKey, address);
        }
        return decision;
    }

    private static string Kind(AdminCredentials c) => c.BearerToken is not null ? "bearer token" : $"password of '{c.Username}'";
}
