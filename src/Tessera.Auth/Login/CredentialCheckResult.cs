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

    /// <summary>How the credentials were recognised when granted: "password", "wildcard", "jwt" or "token".</summary>
    public string? Method { get; private init; }

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
