namespace Tessera.Auth.Login;

/// <summary>
/// The result of checking a join's credentials. <see cref="Reason"/> is for logs only (never sent
/// to clients, never contains a password or token).
/// </summary>
public sealed record CredentialCheckResult
{
    public CredentialOutcome Outcome { get; private init; }

    /// <summary>The effective username when granted (possibly <c>""</c>).</summary>
    public string? Username { get; private init; }

    /// <summary>Internal permission names when granted.</summary>
    public IReadOnlyList<string> Permissions { get; private init; } = [];

    public string? Reason { get; private init; }

    /// <summary>How the credentials were recognised when granted: "password", "wildcard", "jwt" or "token"; "jwt" also on a refused JWT.</summary>
    public string? Method { get; init; }

    /// <summary>For a JWT: the header's <c>alg</c> and <c>kid</c>, and the <c>iss</c> claim once verified.</summary>
    public string? Algorithm { get; init; }

    /// <inheritdoc cref="Algorithm"/>
    public string? KeyId { get; init; }

    /// <inheritdoc cref="Algorithm"/>
    public string? Issuer { get; init; }

    /// <summary>
    /// For a stateful token: the first 8 hex digits of its SHA-256, so an audit line can name the
    /// invitation used without holding anything that would let a reader use it.
    /// </summary>
    public string? TokenFingerprint { get; init; }

    public bool IsGranted => Outcome == CredentialOutcome.Granted;

    public static CredentialCheckResult Granted(string username, IReadOnlyList<string> permissions, string method) =>
        new() { Outcome = CredentialOutcome.Granted, Username = username, Permissions = permissions, Method = method };

    public static CredentialCheckResult NotAuthorised(string reason) => new() { Outcome = CredentialOutcome.NotAuthorised, Reason = reason };

    public static CredentialCheckResult NeedUsername(string reason = "username required") =>
        new() { Outcome = CredentialOutcome.NeedUsername, Reason = reason };

    public static CredentialCheckResult DuplicateUsername(string reason = "username belongs to a configured user") =>
        new() { Outcome = CredentialOutcome.DuplicateUsername, Reason = reason };

    public static CredentialCheckResult InternalError(string reason) => new() { Outcome = CredentialOutcome.InternalError, Reason = reason };
}
