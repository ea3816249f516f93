using System.Text.Json.Serialization;

namespace Tessera.Auth.Throttling;

/// <summary>
/// The throttle's settings as written in a configuration file (the conference server's
/// <c>config.json</c> key <c>loginThrottle</c>, tessera-auth's <c>throttle</c>): every field
/// optional, counts as numbers, durations in seconds.
/// </summary>
public sealed record LoginThrottleSettings
{
    [JsonPropertyName("attemptBurst")] public int? AttemptBurst { get; init; }
    [JsonPropertyName("attemptsPerSecond")] public double? AttemptsPerSecond { get; init; }
    [JsonPropertyName("pairFreeFailures")] public int? PairFreeFailures { get; init; }
    [JsonPropertyName("userFreeFailures")] public int? UserFreeFailures { get; init; }
    [JsonPropertyName("baseDelay")] public double? BaseDelay { get; init; }
    [JsonPropertyName("maxDelay")] public double? MaxDelay { get; init; }
    [JsonPropertyName("maxUserDelay")] public double? MaxUserDelay { get; init; }

    /// <summary>Replaced by the attempt bucket; still read so that older tessera-auth files load.</summary>
    [JsonPropertyName("addressFreeFailures")] public int? AddressFreeFailures { get; init; }

    /// <summary>What is wrong with these settings, naming the field, or null when they are usable.</summary>
    public string? Problem()
    {
        if (AttemptBurst is < 1) return "attemptBurst must be at least 1";
        if (AttemptsPerSecond is { } r && !(r > 0 && double.IsFinite(r))) return "attemptsPerSecond must be a positive number";
        if (PairFreeFailures is < 1) return "pairFreeFailures must be at least 1";
        if (UserFreeFailures is < 1) return "userFreeFailures must be at least 1";
        foreach (var (name, value) in new[] { ("baseDelay", BaseDelay), ("maxDelay", MaxDelay), ("maxUserDelay", MaxUserDelay) })
            if (value is { } v && !(v >= 0 && v <= 86_400)) return $"{name} must be between 0 and 86400 seconds";
        return null;
    }

    public LoginThrottleOptions ApplyTo(LoginThrottleOptions o) => o with
    {
        AttemptBurst = AttemptBurst ?? o.AttemptBurst,
        AttemptsPerSecond = AttemptsPerSecond ?? o.AttemptsPerSecond,
        PairFreeFailures = PairFreeFailures ?? o.PairFreeFailures,
        UserFreeFailures = UserFreeFailures ?? o.UserFreeFailures,
        BaseDelay = BaseDelay is { } b ? TimeSpan.FromSeconds(b) : o.BaseDelay,
        MaxDelay = MaxDelay is { } m ? TimeSpan.FromSeconds(m) : o.MaxDelay,
        MaxUserDelay = MaxUserDelay is { } u ? TimeSpan.FromSeconds(u) : o.MaxUserDelay,
    };
}
