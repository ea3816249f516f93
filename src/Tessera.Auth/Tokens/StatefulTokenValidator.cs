using Tessera.Auth.Login;

namespace Tessera.Auth.Tokens;

/// <summary>
/// Whether a stored token admits its holder to a group (auth.md §6.1), and under which name.
/// Beyond Galène: validity (group, expiry, not-before) is checked before <c>need-username</c>,
/// so an expired or foreign token cannot be told apart from an unknown one.
/// </summary>
public static class StatefulTokenValidator
{
    /// <param name="token">The stored token, or null when the string is not in the store.</param>
    /// <param name="group">The group being joined (<c>""</c> for the server-wide admin check).</param>
    /// <param name="clientUsername">The username the client sent; null when absent.</param>
    /// <param name="isConfiguredUser">Whether a name is a key of the group's <c>users</c>.</param>
    public static CredentialCheckResult Check(StatefulToken? token, string group, string? clientUsername,
                                              Func<string, bool> isConfiguredUser, DateTimeOffset now)
    {
        if (token is null) return CredentialCheckResult.NotAuthorised("unknown token");
        if (!token.Opens(group)) return CredentialCheckResult.NotAuthorised("token is for another group");
        if (token.Expires is not { } expires) return CredentialCheckResult.NotAuthorised("token has no expiry");
        if (now > expires) return CredentialCheckResult.NotAuthorised("token expired");
        if (token.NotBefore is { } notBefore && now < notBefore) return CredentialCheckResult.NotAuthorised("token not valid yet");

        if (token.Username is null && clientUsername is null) return CredentialCheckResult.NeedUsername();

        string username;
        if (!string.IsNullOrEmpty(token.Username)) username = token.Username;
        else if (clientUsername is not null)
        {
            if (isConfiguredUser(clientUsername)) return CredentialCheckResult.DuplicateUsername();
            username = clientUsername;
        }
        else username = "";
        return CredentialCheckResult.Granted(username, token.Permissions ?? [], "token");
    }
}
