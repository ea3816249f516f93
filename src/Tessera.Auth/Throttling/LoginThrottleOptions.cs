namespace Tessera.Auth.Throttling;

/// <summary>
/// The numbers behind <see cref="LoginThrottle"/>. Each password counter grants some free
/// failures, then imposes a delay that doubles with every further failure up to a cap; a counter is forgotten
/// after <see cref="ForgetAfter"/> without failures. Defaults are documented in
/// src/Tessera.AuthServer/README.md.
/// </summary>
public sealed record LoginThrottleOptions
{
    public static readonly LoginThrottleOptions Default = new();

    /// <summary>
    /// Login attempts an address may make at once before the steady rate applies. A successful
    /// attempt gives its token back, so this bounds failures; 60 lets a whole class behind one
    /// NAT mistype and retry together.
    /// </summary>
    public int AttemptBurst { get; init; } = 60;

    /// <summary>Attempts per second an address regains once its burst is spent.</summary>
    public double AttemptsPerSecond { get; init; } = 1;

    /// <summary>Password failures from one (user, address) pair before the next attempt must wait.</summary>
    public int PairFreeFailures { get; init; } = 5;

    /// <summary>
    /// Failures against one user from all addresses before delays start: the generous ceiling
    /// against distributed guessing. Addresses where the user logged in recently are exempt.
    /// </summary>
    public int UserFreeFailures { get; init; } = 100;

    /// <summary>The first delay once a counter has used up its free failures; doubles after.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay for the pair and address counters.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Longest delay for the per-user ceiling (shorter: it also touches the real user).</summary>
    public TimeSpan MaxUserDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A counter with no failure for this long starts again from zero.</summary>
    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a successful login exempts its (user, address) pair from the per-user ceiling.</summary>
    public TimeSpan TrustSuccessfulAddressFor { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Bound on remembered entries; the oldest are dropped first when it is reached.</summary>
    public int MaxEntries { get; init; } = 100_000;
}
