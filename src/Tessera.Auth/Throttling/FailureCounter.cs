namespace Tessera.Auth.Throttling;

/// <summary>Failures recorded against one key, and when the next attempt is allowed.</summary>
internal sealed class FailureCounter
{
    public int Failures;
    public DateTimeOffset LastFailure;
    public DateTimeOffset BlockedUntil;

    /// <summary>Counts one failure at <paramref name="now"/> and recomputes the blocking delay.</summary>
    public void Add(DateTimeOffset now, int freeFailures, TimeSpan baseDelay, TimeSpan maxDelay, TimeSpan forgetAfter)
    {
        if (now - LastFailure >= forgetAfter) Failures = 0;
        Failures++;
        LastFailure = now;
        // "N free failures": the N-th failure already makes the next attempt wait.
        var excess = Failures - freeFailures + 1;
        if (excess <= 0) return;
        // 2^(excess-1) × base, computed in doubles so large counts saturate at the cap instead of overflowing.
        var ticks = baseDelay.Ticks * Math.Pow(2, Math.Min(excess - 1, 40));
        var delay = ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
        BlockedUntil = now + delay;
    }

    public bool IsStale(DateTimeOffset now, TimeSpan forgetAfter) =>
        now - LastFailure >= forgetAfter && now >= BlockedUntil;
}
