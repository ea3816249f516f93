namespace Tessera.Auth.Throttling;

/// <summary>
/// A token bucket: holds up to a burst of tokens and refills at a steady rate (login attempts
/// per address, chat messages per client). The burst and rate are passed at each call so that
/// a reloaded configuration applies at once. Not thread-safe: its owner holds the lock.
/// </summary>
public sealed class TokenBucket(int burst, DateTimeOffset now)
{
    private double _tokens = burst;

    public DateTimeOffset Updated { get; private set; } = now;

    /// <summary>Takes one token and returns zero, or returns how long until one is available.</summary>
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
