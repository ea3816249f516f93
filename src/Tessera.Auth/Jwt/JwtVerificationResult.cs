namespace Tessera.Auth.Jwt;

/// <summary>
/// Outcome of checking one JWT for one group. On failure only <see cref="FailureReason"/> (and
/// <see cref="IsMalformed"/>) are meaningful; the reason is safe to log (it never quotes the token).
/// </summary>
public sealed record JwtVerificationResult
{
    public bool Success { get; private init; }

    /// <summary>
    /// True when the string is not JWT-shaped at all (auth.md §5.1): callers then look it up as a
    /// stateful token. A JWT-shaped token that fails is not malformed, and must not reach the store.
    /// </summary>
    public bool IsMalformed { get; private init; }

    /// <summary>The <c>sub</c> claim: null when absent, possibly <c>""</c>.</summary>
    public string? Subject { get; private init; }

    /// <summary>The <c>permissions</c> claim verbatim (never expanded); empty when absent or null.</summary>
    public IReadOnlyList<string> Permissions { get; private init; } = [];

    /// <summary>True only when the claim <c>include-subgroups</c> is the JSON value <c>true</c>.</summary>
    public bool IncludeSubgroups { get; private init; }

    /// <summary>The <c>exp</c> claim, for callers that want to bound what the token grants.</summary>
    public DateTimeOffset? Expires { get; private init; }

    public string? FailureReason { get; private init; }

    /// <summary>The header's <c>alg</c>, when the token was JWT-shaped and its header readable.</summary>
    public string? Algorithm { get; internal init; }

    /// <summary>The header's <c>kid</c>, if any.</summary>
    public string? KeyId { get; internal init; }

    /// <summary>The <c>iss</c> claim of a verified token, if any (informational: Tessera trusts keys, not names).</summary>
    public string? Issuer { get; internal init; }

    internal static JwtVerificationResult Malformed(string reason) =>
        new() { IsMalformed = true, FailureReason = reason };

    internal static JwtVerificationResult Failed(string reason) => new() { FailureReason = reason };

    internal static JwtVerificationResult Granted(string? subject, IReadOnlyList<string> permissions,
                                                  bool includeSubgroups, DateTimeOffset expires) =>
        new() { Success = true, Subject = subject, Permissions = permissions, IncludeSubgroups = includeSubgroups, Expires = expires };
}
