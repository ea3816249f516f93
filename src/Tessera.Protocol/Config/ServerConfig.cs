using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Tessera.Auth;

namespace Tessera.Protocol.Config;

/// <summary>
/// <c>data/config.json</c> (files.md §3). Tessera adds <c>authKeys</c>, <c>authServer</c> and
/// <c>authPortal</c> as server-wide defaults for groups that set none of the three; Galène would
/// refuse a config.json holding them.
/// </summary>
public sealed record ServerConfig
{
    public static readonly ServerConfig Empty = new();

    [JsonPropertyName("users")] public IReadOnlyDictionary<string, UserEntry>? Users { get; init; }
    [JsonPropertyName("writableGroups")] public bool WritableGroups { get; init; }
    [JsonPropertyName("allowOrigin")] public IReadOnlyList<string>? AllowOrigin { get; init; }
    [JsonPropertyName("allowAdminOrigin")] public IReadOnlyList<string>? AllowAdminOrigin { get; init; }
    [JsonPropertyName("proxyURL")] public string? ProxyUrl { get; init; }
    [JsonPropertyName("canonicalHost")] public string? CanonicalHost { get; init; }
    [JsonPropertyName("admin")] public JsonElement? LegacyAdmin { get; init; }

    [JsonPropertyName("authKeys")] public IReadOnlyList<JsonObject>? AuthKeys { get; init; }
    [JsonPropertyName("authServer")] public string? AuthServer { get; init; }
    [JsonPropertyName("authPortal")] public string? AuthPortal { get; init; }

    /// <summary>Tessera's own: how login attempts and password failures are throttled (README, "Guessing").</summary>
    [JsonPropertyName("loginThrottle")] public Tessera.Auth.Throttling.LoginThrottleSettings? LoginThrottle { get; init; }

    /// <summary>Tessera's own: bounds on what a client can make the server hold (README, "Limits").</summary>
    [JsonPropertyName("limits")] public LimitsSettings? Limits { get; init; }

    /// <summary>Tessera's own: who may read <c>/metrics</c> (README, "Monitoring").</summary>
    [JsonPropertyName("metrics")] public MetricsSettings? Metrics { get; init; }

    /// <summary><see cref="Limits"/> over the defaults, computed once per read of the file.</summary>
    [JsonIgnore] public ServerLimits EffectiveLimits { get; private init; } = ServerLimits.Default;

    /// <exception cref="InvalidDataException">Not a valid config file.</exception>
    public static ServerConfig Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var config = JsonSerializer.Deserialize<ServerConfig>(json, StrictJson.Options)
                         ?? throw new InvalidDataException("the file holds null, not an object");
            if (config.LoginThrottle?.Problem() is { } problem) throw new InvalidDataException("loginThrottle: " + problem);
            if (config.Limits?.Problem() is { } limits) throw new InvalidDataException("limits: " + limits);
            if (config.Metrics?.Problem() is { } metrics) throw new InvalidDataException("metrics: " + metrics);
            return config.Limits is null ? config : config with { EffectiveLimits = config.Limits.ApplyTo(ServerLimits.Default) };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(StrictJson.Describe<ServerConfig>(e), e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
