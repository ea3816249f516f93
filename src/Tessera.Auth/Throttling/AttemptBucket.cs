namespace Tessera.Auth.Throttling;

/// <summary>
/// A token bucket of login attempts for one address: holds up to a burst of attempts and
/// refills at a steady rate. Not thread-safe; <see cref="LoginThrottle"/> holds the lock.
/// </summary>
internal sealed class AttemptBucket(int burst, DateTimeOffset now)
{
    private double _tokens = burst;

    public DateTimeOffset Updated { get; private set; } = now;

    /// <summary>Takes one attempt and returns zero, or returns how long until one is available.</summary>
    public TimeSpan TryTake(DateTimeOffset now, int burst, double perSecond)
    {
        Refill(now, burst, perSecond);
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return TimeSpan.Zero;
        }
        return TimeSpan.FromSeconds((1 - _tokens) / perSecond);
    }

    public void Refund(int burst) => _tokens = Math.Min(burst, _tokens + 1);

    public bool IsFull(DateTimeOffset now, int burst, double perSecond)
    {
        Refill(now, burst, perSecond);
        return _tokens >= burst;
    }

    private void Refill(DateTimeOffset now, int burst, double perSecond)
    {
        if (now > Updated) _tokens = Math.Min(burst, _tokens + (now - Updated).TotalSeconds * perSecond);
        Updated = now;
    }
}
