using System.Text.Json.Serialization;
using Tessera.Auth;
using Tessera.Auth.Passwords;
using Tessera.Auth.Permissions;

namespace Tessera.AuthServer.Backends;

/// <summary>
/// An entry of a users file: a group file's user entry (password, permissions) plus an optional
/// <c>groups</c> list that the rules' <c>members</c> match against.
/// </summary>
public sealed record UsersFileUser
{
    [JsonPropertyName("password")] public Password? Password { get; init; }
    [JsonPropertyName("permissions")] public PermissionSpec? Permissions { get; init; }
    [JsonPropertyName("groups")] public IReadOnlyList<string> Groups { get; init; } = [];

    public UserEntry ToUserEntry() => new() { Password = Password, Permissions = Permissions };
}

/// <summary>The whole users file: <c>{"users": {name: entry}}</c>.</summary>
public sealed record UsersFile
{
    [JsonPropertyName("users")] public Dictionary<string, UsersFileUser> Users { get; init; } = new(StringComparer.Ordinal);
}
