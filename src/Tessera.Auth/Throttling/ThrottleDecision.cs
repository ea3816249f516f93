namespace Tessera.Auth.Throttling;

/// <summary>Whether an attempt may go ahead now, and if not, how long the client must wait.</summary>
public readonly record struct ThrottleDecision(bool Allowed, TimeSpan RetryAfter)
{
    public static ThrottleDecision Allow { get; } = new(true, TimeSpan.Zero);
    public static ThrottleDecision Wait(TimeSpan retryAfter) => new(false, retryAfter);
}
