using Tessera.Auth.Jwt;
using Tessera.Auth.Passwords;
using Tessera.Auth.Tokens;

namespace Tessera.Auth.Login;

/// <summary>
/// Step 4 of the join sequence (auth.md §2): a non-empty token goes to the JWT verifier when it is
/// JWT-shaped and to the stateful store otherwise; else a present username goes to the password
/// rules; else the join is refused. The effective username must then be valid (§4).
/// </summary>
public sealed class CredentialChecker(PasswordVerifier passwords, ITokenStore? tokens, TimeProvider time)
{
    public async Task<CredentialCheckResult> CheckAsync(JoinCredentials credentials, GroupAuthContext group,
                                                        CancellationToken cancellationToken = default)
    {
        CredentialCheckResult result;
        if (!string.IsNullOrEmpty(credentials.Token))
            result = await CheckJwtAsync(credentials, group, cancellationToken).ConfigureAwait(false)
                     ?? await CheckStatefulTokenAsync(credentials, group, cancellationToken).ConfigureAwait(false);
        else if (credentials.Username is not null)
            result = await CheckPasswordAsync(credentials.Username, credentials.Password ?? "", group, cancellationToken).ConfigureAwait(false);
        else
            result = CredentialCheckResult.NotAuthorised("no credentials");

        if (result.IsGranted && !GroupNames.IsValidUsername(result.Username!))
            return CredentialCheckResult.NotAuthorised("invalid username");
        return result;
    }

    /// <summary>auth.md §3: a named user never falls back to the wildcard user.</summary>
    private async Task<CredentialCheckResult> CheckPasswordAsync(string username, string password, GroupAuthContext group,
                                                                 CancellationToken cancellationToken)
    {
        if (group.Users.TryGetValue(username, out var user))
        {
            try
            {
                if (!await passwords.VerifyAsync(user.Password, password, cancellationToken).ConfigureAwait(false))
                    return CredentialCheckResult.NotAuthorised("wrong password");
            }
            catch (PasswordFormatException e)
            {
                return CredentialCheckResult.InternalError("stored password unusable: " + e.Message);
            }
            return CredentialCheckResult.Granted(username, Expand(user, group), "password");
        }
        if (group.WildcardUser is { } wildcard)
        {
            bool matches;
            try
            {
                matches = await passwords.VerifyAsync(wildcard.Password, password, cancellationToken).ConfigureAwait(false);
            }
            catch (PasswordFormatException)
            {
                matches = false; // errors count as a mismatch for the wildcard user
            }
            if (matches) return CredentialCheckResult.Granted(username, Expand(wildcard, group), "wildcard");
        }
        return CredentialCheckResult.NotAuthorised(group.Users.Count == 0 && group.WildcardUser is null ? "no users" : "unknown user or wrong password");
    }

    private static string Fingerprint(string token) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))[..8];

    private static IReadOnlyList<string> Expand(UserEntry user, GroupAuthContext group) =>
        user.Permissions?.Expand(group.AllowRecording, group.UnrestrictedTokens) ?? [];

    /// <summary>
    /// auth.md §5: the issuer is trusted, so a non-empty <c>sub</c> is the username. Returns null
    /// when the token is not JWT-shaped, so that the stateful store decides instead.
    /// </summary>
    private async Task<CredentialCheckResult?> CheckJwtAsync(JoinCredentials credentials, GroupAuthContext group,
                                                             CancellationToken cancellationToken)
    {
        var token = credentials.Token!;
        var keys = group.AuthKeys;
        if (group.KeySource is { } source)
        {
            if (!JwtVerifier.IsJwtShaped(token)) return null;
            keys = await source.GetKeysAsync(JwtVerifier.PeekKeyId(token), cancellationToken).ConfigureAwait(false);
        }
        var verified = JwtVerifier.Verify(token, keys, group.GroupName, group.CanonicalHost, time.GetUtcNow());
        if (verified.IsMalformed) return null;
        if (!verified.Success)
            return CredentialCheckResult.NotAuthorised("JWT refused: " + verified.FailureReason) with
            {
                Method = "jwt", Algorithm = verified.Algorithm, KeyId = verified.KeyId,
            };

        string username;
        if (!string.IsNullOrEmpty(verified.Subject)) username = verified.Subject;
        else if (credentials.Username is not null)
        {
            if (group.Users.ContainsKey(credentials.Username)) return CredentialCheckResult.DuplicateUsername();
            username = credentials.Username;
        }
        else username = "";
        return CredentialCheckResult.Granted(username, verified.Permissions, "jwt") with
        {
            Algorithm = verified.Algorithm, KeyId = verified.KeyId, Issuer = verified.Issuer,
        };
    }

    private async ValueTask<CredentialCheckResult> CheckStatefulTokenAsync(JoinCredentials credentials, GroupAuthContext group,
                                                                           CancellationToken cancellationToken)
    {
        if (tokens is null) return CredentialCheckResult.NotAuthorised("no token store") with { Method = "token" };
        var stored = await tokens.GetAsync(credentials.Token!, cancellationToken).ConfigureAwait(false);
        var result = StatefulTokenValidator.Check(stored, group.GroupName, credentials.Username,
                                                  group.Users.ContainsKey, time.GetUtcNow());
        return result.IsGranted ? result with { TokenFingerprint = Fingerprint(credentials.Token!) } : result with { Method = "token" };
    }
}
