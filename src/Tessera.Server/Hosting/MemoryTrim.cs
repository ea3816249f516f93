namespace Tessera.Server.Hosting;

/// <summary>
/// Gives memory back after a burst. The garbage collector only runs when the program allocates,
/// so a server that goes quiet after a flood of joins keeps the flood's dead objects committed
/// indefinitely (measured: 266 MB of RSS for 17 MB of live objects). Twice a minute this checks
/// whether no collection at all happened since the last check (the server is quiet) while the
/// heap has grown well beyond what it held after the previous trim; only then it asks for one
/// aggressive, compacting collection, which also returns the freed memory to the system. On an
/// idle server the pause is a few milliseconds; a busy server never meets the condition, and a
/// quiet one is trimmed once, not every time.
/// </summary>
public sealed class MemoryTrim(TimeProvider time, ILogger<MemoryTrim> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>Growth of the committed heap since the last trim that is worth a collection.</summary>
    public const long Slack = 32L * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        var lastCount = GC.CollectionCount(0);
        var afterLastTrim = 0L;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
            if (ShouldTrim(GC.CollectionCount(0) - lastCount, committed, afterLastTrim))
            {
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                afterLastTrim = GC.GetGCMemoryInfo().TotalCommittedBytes;
                logger.LogDebug("quiet server: collected, committed heap {Before} -> {After} bytes", committed, afterLastTrim);
            }
            lastCount = GC.CollectionCount(0);
        }
    }

    /// <summary>Only when quiet (no collection since the last look) and grown well beyond the last trim.</summary>
    public static bool ShouldTrim(int collectionsSinceLastCheck, long committedBytes, long committedAfterLastTrim) =>
        collectionsSinceLastCheck == 0 && committedBytes - committedAfterLastTrim > Slack;
}
