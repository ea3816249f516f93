using System.Text.Json.Serialization;
using Tessera.Auth.Permissions;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Rules;

/// <summary>One entry of <c>rules</c> as written in the configuration (README.md, "Rules").</summary>
public sealed record RuleConfig
{
    /// <summary>Group-name patterns: <c>*</c> matches within one path segment, <c>**</c> across segments.</summary>
    [JsonPropertyName("groups")]
    [JsonConverter(typeof(StringOrArrayConverter))]
    public IReadOnlyList<string> Groups { get; init; } = ["**"];

    /// <summary>Directory/Unix/users-file groups; the rule applies if the user is in any. Absent: everyone.</summary>
    [JsonPropertyName("members")]
    [JsonConverter(typeof(StringOrArrayConverter))]
    public IReadOnlyList<string>? Members { get; init; }

    /// <summary>Usernames; the rule applies if the user is one of them. Absent: everyone.</summary>
    [JsonPropertyName("users")]
    [JsonConverter(typeof(StringOrArrayConverter))]
    public IReadOnlyList<string>? Users { get; init; }

    /// <summary>
    /// OpenID Connect back ends (their <c>name</c>); the rule applies only to people who signed in
    /// through one of them. Absent: however the person signed in.
    /// </summary>
    [JsonPropertyName("providers")]
    [JsonConverter(typeof(StringOrArrayConverter))]
    public IReadOnlyList<string>? Providers { get; init; }

    /// <summary>A named set (expanded) or an explicit list (verbatim), as in a group file.</summary>
    [JsonPropertyName("permissions")] public PermissionSpec? Permissions { get; init; }

    [JsonPropertyName("deny")] public bool Deny { get; init; }
}
