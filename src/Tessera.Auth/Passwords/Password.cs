using System.Text.Json.Serialization;

namespace Tessera.Auth.Passwords;

/// <summary>The kinds of stored credential a user entry may carry (files.md §6.1).</summary>
public enum PasswordKind
{
    /// <summary>No password (absent or <c>{}</c>): nothing matches.</summary>
    None,
    Plain,
    Wildcard,
    Pbkdf2,
    Bcrypt,
    /// <summary>A <c>type</c> this server does not know: verifying it is an error, not a mismatch.</summary>
    Unknown,
}

/// <summary>
/// A stored password exactly as it appears in a group file or users file: a bare string (plain)
/// or an object with <c>type</c>, <c>key</c>, <c>hash</c>, <c>salt</c>, <c>iterations</c>.
/// </summary>
[JsonConverter(typeof(PasswordJsonConverter))]
public sealed record Password
{
    public PasswordKind Kind { get; init; }

    /// <summary>The <c>type</c> string as written (kept so unknown types round-trip).</summary>
    public string? Type { get; init; }

    public string? Key { get; init; }
    public string? Hash { get; init; }
    public string? Salt { get; init; }
    public int Iterations { get; init; }

    public static Password None { get; } = new() { Kind = PasswordKind.None };
    public static Password Wildcard { get; } = new() { Kind = PasswordKind.Wildcard, Type = "wildcard" };

    public static Password Plain(string secret) => new() { Kind = PasswordKind.Plain, Type = "plain", Key = secret };

    public static Password FromType(string? type) => type switch
    {
        null or "" => None,
        "plain" => new() { Kind = PasswordKind.Plain, Type = type },
        "wildcard" => new() { Kind = PasswordKind.Wildcard, Type = type },
        "pbkdf2" => new() { Kind = PasswordKind.Pbkdf2, Type = type },
        "bcrypt" => new() { Kind = PasswordKind.Bcrypt, Type = type },
        _ => new() { Kind = PasswordKind.Unknown, Type = type },
    };

    /// <summary>Never print secrets or hashes, even by accident in a log line.</summary>
    public override string ToString() => $"Password({Kind})";
}
