namespace Tessera.Server.Tests.Support;

/// <summary>
/// The system clock moved by an offset the test controls, or stopped at a moment it chooses;
/// timers keep real time either way, so the server's own delays still end.
/// </summary>
public sealed class ShiftedTime : TimeProvider
{
    public TimeSpan Offset { get; set; }

    /// <summary>When set, "now" stays there (plus <see cref="Offset"/>) however long the test takes.</summary>
    public DateTimeOffset? StoppedAt { get; set; }

    public override DateTimeOffset GetUtcNow() => (StoppedAt ?? base.GetUtcNow()) + Offset;
}
