namespace Tessera.Auth.Jwk;

/// <summary>Timing of <see cref="JwksCache"/>.</summary>
public sealed record JwksCacheOptions
{
    /// <summary>How long a fetched key set is used before it is fetched again.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Minimum spacing of fetches not due to the schedule: for a token naming an unknown
    /// <c>kid</c>, and retries after a failed fetch. Bounds what bogus tokens can cost the key server.
    /// </summary>
    public TimeSpan MinimumFetchSpacing { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A fetch taking longer than this counts as failed.</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
