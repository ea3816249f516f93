using Tessera.Auth.Login;
using Tessera.Protocol.Config;
using Tessera.Protocol.Descriptions;

namespace Tessera.Protocol.Login;

/// <summary>
/// Step 4 of the join checks (auth.md §2) for a group: builds the credential context from the
/// group's description and the server-wide settings, then lets <see cref="CredentialChecker"/> decide.
/// </summary>
public sealed class JoinAuthenticator(CredentialChecker checker, AuthKeyCache keys)
{
    public async Task<CredentialCheckResult> AuthenticateAsync(string groupName, GroupDescription description,
                                                               ServerConfig? config, JoinCredentials credentials,
                                                               CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(credentials.Token) && credentials.Username is null)
            return CredentialCheckResult.InternalError("neither username nor token");

        var delegation = Delegation.For(description, config);
        var context = new GroupAuthContext
        {
            GroupName = groupName,
            Users = description.Users ?? EmptyUsers,
            WildcardUser = description.WildcardUser,
            AuthKeys = keys.Parse(delegation.AuthKeys),
            KeySource = keys.SourceFor(delegation.AuthKeys),
            AllowRecording = description.AllowRecording,
            UnrestrictedTokens = description.UnrestrictedTokens,
            CanonicalHost = config?.CanonicalHost,
        };
        var result = await checker.CheckAsync(credentials, context, cancellationToken);
        // A config.json broken since start-up disables token logins (files.md §3.3).
        if (result.IsGranted && result.Method is "jwt" or "token" && config is null)
            return CredentialCheckResult.InternalError("config.json is unreadable");
        return result;
    }

    private static readonly IReadOnlyDictionary<string, Tessera.Auth.UserEntry> EmptyUsers =
        new Dictionary<string, Tessera.Auth.UserEntry>();
}
