using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Tessera.Auth;

namespace Tessera.Protocol.Descriptions;

/// <summary>
/// A group description file, field for field (files.md §4.2). Instances are immutable; a reload
/// produces a new one. Use <see cref="GroupDescriptionReader"/> to read one from disk.
/// </summary>
public sealed record GroupDescription
{
    public static readonly TimeSpan DefaultMaxHistoryAge = TimeSpan.FromHours(4);
    public static readonly IReadOnlyList<string> DefaultCodecs = ["vp8", "opus"];

    [JsonPropertyName("displayName")] public string? DisplayName { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("contact")] public string? Contact { get; init; }
    [JsonPropertyName("comment")] public string? Comment { get; init; }
    [JsonPropertyName("public")] public bool Public { get; init; }
    [JsonPropertyName("redirect")] public string? Redirect { get; init; }
    [JsonPropertyName("max-clients")] public int MaxClients { get; init; }
    [JsonPropertyName("max-history-age")] public int MaxHistoryAgeSeconds { get; init; }
    [JsonPropertyName("not-before")] public DateTimeOffset? NotBefore { get; init; }
    [JsonPropertyName("expires")] public DateTimeOffset? Expires { get; init; }
    [JsonPropertyName("allow-recording")] public bool AllowRecording { get; init; }
    [JsonPropertyName("unrestricted-tokens")] public bool UnrestrictedTokens { get; init; }
    [JsonPropertyName("auto-subgroups")] public bool AutoSubgroups { get; init; }
    [JsonPropertyName("autolock")] public bool Autolock { get; init; }
    [JsonPropertyName("autokick")] public bool Autokick { get; init; }
    [JsonPropertyName("users")] public IReadOnlyDictionary<string, UserEntry>? Users { get; init; }
    [JsonPropertyName("wildcard-user")] public UserEntry? WildcardUser { get; init; }
    [JsonPropertyName("authKeys")] public IReadOnlyList<JsonObject>? AuthKeys { get; init; }
    [JsonPropertyName("authServer")] public string? AuthServer { get; init; }
    [JsonPropertyName("authPortal")] public string? AuthPortal { get; init; }
    [JsonPropertyName("codecs")] public IReadOnlyList<string>? Codecs { get; init; }

    // Legacy fields: read, converted by the reader, never written back.
    [JsonPropertyName("allow-subgroups")] public bool LegacyAllowSubgroups { get; init; }
    [JsonPropertyName("allow-anonymous")] public bool LegacyAllowAnonymous { get; init; }
    [JsonPropertyName("op")] public IReadOnlyList<LegacyUserPattern>? LegacyOp { get; init; }
    [JsonPropertyName("presenter")] public IReadOnlyList<LegacyUserPattern>? LegacyPresenter { get; init; }
    [JsonPropertyName("other")] public IReadOnlyList<LegacyUserPattern>? LegacyOther { get; init; }

    [JsonIgnore]
    public TimeSpan MaxHistoryAge =>
        MaxHistoryAgeSeconds > 0 ? TimeSpan.FromSeconds(MaxHistoryAgeSeconds) : DefaultMaxHistoryAge;

    [JsonIgnore]
    public IReadOnlyList<string> EffectiveCodecs => Codecs is { Count: > 0 } ? Codecs : DefaultCodecs;

    /// <summary>True when any of the three delegated-login fields is set, which makes the group ignore server-wide ones.</summary>
    [JsonIgnore]
    public bool SetsDelegation => AuthKeys is not null || AuthServer is not null || AuthPortal is not null;

    /// <summary>The description an auto-subgroup sees: its ancestor's, not public, no description.</summary>
    public GroupDescription ForAutoSubgroup() => this with { Public = false, Description = null };
}
