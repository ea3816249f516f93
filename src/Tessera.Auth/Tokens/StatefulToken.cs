namespace Tessera.Auth.Tokens;

/// <summary>
/// One entry of the token store (files.md §8.2). Absent and empty differ for <see cref="Username"/>
/// (absent: the holder must supply a name; <c>""</c>: the holder's own or the empty name), so null
/// means absent everywhere here.
/// </summary>
public sealed record StatefulToken
{
    /// <summary>The secret string; also the lookup key.</summary>
    public required string Token { get; init; }

    /// <summary>The group it opens; <c>""</c> with <see cref="IncludeSubgroups"/> opens every group.</summary>
    public string Group { get; init; } = "";

    public bool IncludeSubgroups { get; init; }

    public string? Username { get; init; }

    /// <summary>Internal permission names, verbatim; null is written as JSON <c>null</c>.</summary>
    public IReadOnlyList<string>? Permissions { get; init; }

    public DateTimeOffset? Expires { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? IssuedAt { get; init; }
    public string? IssuedBy { get; init; }

    /// <summary>
    /// auth.md §6.1 step 3: whether this token is for <paramref name="group"/>. A token with group
    /// <c>""</c> opens everything with <see cref="IncludeSubgroups"/> and nothing without.
    /// </summary>
    public bool Opens(string group) =>
        (Group == group && Group != "") ||
        (IncludeSubgroups && (Group == "" || group.StartsWith(Group + "/", StringComparison.Ordinal)));

    /// <summary>Never prints the secret.</summary>
    public override string ToString() =>
        $"StatefulToken(group={Group}, username={Username ?? "(absent)"}, expires={Expires?.ToString("o") ?? "(none)"})";

    public bool Equals(StatefulToken? other) =>
        other is not null && Token == other.Token && Group == other.Group && IncludeSubgroups == other.IncludeSubgroups &&
        Username == other.Username && Expires == other.Expires && NotBefore == other.NotBefore &&
        IssuedAt == other.IssuedAt && IssuedBy == other.IssuedBy &&
        (Permissions is null ? other.Permissions is null : other.Permissions is not null && Permissions.SequenceEqual(other.Permissions));

    public override int GetHashCode() => HashCode.Combine(Token, Group, Username, Expires);
}
