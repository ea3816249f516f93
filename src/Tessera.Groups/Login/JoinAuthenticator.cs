using Tessera.Auth.Passwords;
using Tessera.Groups.Descriptions;

namespace Tessera.Groups.Login;

public enum LoginStatus { Granted, NotAuthorised, NeedUsername, DuplicateUsername, InternalError }

/// <param name="LogReason">Why it failed, for the server log only (never holds a secret).</param>
public sealed record LoginOutcome(LoginStatus Status, string Username, IReadOnlyList<string> Permissions, string? LogReason = null)
{
    public static LoginOutcome Refused(LoginStatus status, string reason) => new(status, "", [], reason);
}

/// <summary>The credentials of a join; <c>Username</c> null means absent.</summary>
public sealed record JoinCredentials(string? Username, string? Password, string? Token, string RemoteAddress);

/// <summary>
/// Step 4 of the join checks (auth.md §2): decides who the client is and what it may do in the
/// group, from a password or a token.
/// </summary>
public sealed class JoinAuthenticator
{
    private readonly PasswordVerifier _passwords;

    public JoinAuthenticator(PasswordVerifier passwords) => _passwords = passwords;

    public async Task<LoginOutcome> AuthenticateAsync(string groupName, GroupDescription description,
                                                      JoinCredentials credentials, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(credentials.Token))
            return LoginOutcome.Refused(LoginStatus.NotAuthorised, "token login is not available");
        if (credentials.Username is null)
            return LoginOutcome.Refused(LoginStatus.InternalError, "neither username nor token");
        return await PasswordLoginAsync(description, credentials.Username, credentials.Password ?? "", cancellationToken);
    }

    private async Task<LoginOutcome> PasswordLoginAsync(GroupDescription d, string username, string password, CancellationToken ct)
    {
        if (d.Users is not null && d.Users.TryGetValue(username, out var user))
        {
            bool ok;
            try
            {
                ok = await _passwords.VerifyAsync(user.Password, password, ct);
            }
            catch (PasswordFormatException e)
            {
                return LoginOutcome.Refused(LoginStatus.InternalError, $"user '{username}': {e.Message}");
            }
            return ok ? Grant(d, username, user) : LoginOutcome.Refused(LoginStatus.NotAuthorised, "wrong password");
        }
        if (d.WildcardUser is { } wildcard)
        {
            bool ok;
            try
            {
                ok = await _passwords.VerifyAsync(wildcard.Password, password, ct);
            }
            catch (PasswordFormatException)
            {
                ok = false;
            }
            if (ok) return Grant(d, username, wildcard);
            return LoginOutcome.Refused(LoginStatus.NotAuthorised, "wildcard password mismatch");
        }
        return LoginOutcome.Refused(LoginStatus.NotAuthorised, "unknown user");
    }

    private static LoginOutcome Grant(GroupDescription d, string username, Tessera.Auth.UserEntry entry)
    {
        if (username != "" && !GroupNames.IsValid(username))
            return LoginOutcome.Refused(LoginStatus.NotAuthorised, "invalid username");
        var permissions = entry.Permissions?.Expand(d.AllowRecording, d.UnrestrictedTokens) ?? [];
        return new LoginOutcome(LoginStatus.Granted, username, permissions);
    }
}
