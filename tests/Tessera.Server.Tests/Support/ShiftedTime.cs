namespace Tessera.Server.Tests.Support;

/// <summary>The system clock moved by an offset the test controls; timers keep real time.</summary>
public sealed class ShiftedTime : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
