namespace Tessera.Auth.Login;

/// <summary>What a join's credentials amount to (auth.md §2 step 4).</summary>
public enum CredentialOutcome
{
    /// <summary>Admitted with <see cref="CredentialCheckResult.Username"/> and <see cref="CredentialCheckResult.Permissions"/>.</summary>
    Granted,
    /// <summary><c>not authorised</c>, after the 200 ms delay.</summary>
    NotAuthorised,
    /// <summary><c>need-username</c> / <c>username required</c>, answered at once.</summary>
    NeedUsername,
    /// <summary><c>duplicate-username</c> / <c>not authorised: this username is taken</c>, answered at once.</summary>
    DuplicateUsername,
    /// <summary><c>internal server error</c> (malformed stored password, unreadable token store).</summary>
    InternalError,
}
