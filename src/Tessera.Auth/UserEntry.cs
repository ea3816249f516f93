using System.Text.Json.Serialization;
using Tessera.Auth.Passwords;
using Tessera.Auth.Permissions;

namespace Tessera.Auth;

/// <summary>
/// One account: in a group's <c>users</c> or <c>wildcard-user</c>, in <c>config.json</c>'s <c>users</c>,
/// or in an authorisation server's users file (files.md §5).
/// </summary>
public sealed record UserEntry
{
    [JsonPropertyName("password")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Password? Password { get; init; }

    [JsonPropertyName("permissions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PermissionSpec? Permissions { get; init; }
}
