using System.Net;
using System.Text.Json.Serialization;

namespace Tessera.Protocol.Config;

/// <summary>
/// Tessera's own <c>metrics</c> key of <c>config.json</c>: <c>/metrics</c> is off unless
/// <see cref="Enabled"/>, and then readable by server administrators and from the addresses in
/// <see cref="AllowFrom"/> (single addresses or CIDR ranges).
/// </summary>
public sealed record MetricsSettings
{
    [JsonPropertyName("enabled")] public bool Enabled { get; init; }
    [JsonPropertyName("allowFrom")] public IReadOnlyList<string>? AllowFrom { get; init; }

    /// <summary>What is wrong, naming the entry, or null.</summary>
    public string? Problem() =>
        AllowFrom?.FirstOrDefault(e => !IPNetwork.TryParse(e, out _) && !IPAddress.TryParse(e, out _)) is { } bad
            ? $"allowFrom: '{bad}' is neither an address nor an address/prefix range"
            : null;
}
