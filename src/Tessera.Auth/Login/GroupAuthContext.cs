using Tessera.Auth.Jwk;

namespace Tessera.Auth.Login;

/// <summary>The parts of a group description (and of config.json) that credential checks need.</summary>
public sealed record GroupAuthContext
{
    public required string GroupName { get; init; }

    /// <summary>The group's <c>users</c>, keyed by exact username.</summary>
    public IReadOnlyDictionary<string, UserEntry> Users { get; init; } = new Dictionary<string, UserEntry>();

    public UserEntry? WildcardUser { get; init; }

    /// <summary>The group's parsed <c>authKeys</c>, in file order (invalid keys included).</summary>
    public IReadOnlyList<JsonWebKey> AuthKeys { get; init; } = [];

    /// <summary>When set, replaces <see cref="AuthKeys"/> (e.g. a resolver mixing inline keys and JWKS URLs).</summary>
    public IJwtKeySource? KeySource { get; init; }

    public bool AllowRecording { get; init; }
    public bool UnrestrictedTokens { get; init; }

    /// <summary><c>config.json</c>'s <c>canonicalHost</c>; null or empty accepts any host in JWT audiences.</summary>
    public string? CanonicalHost { get; init; }
}
