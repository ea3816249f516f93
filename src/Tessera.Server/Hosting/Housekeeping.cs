using Tessera.Groups.Runtime;

namespace Tessera.Server.Hosting;

/// <summary>The 15-minute sweep of files.md §4.7: public groups loaded, idle groups evicted.</summary>
public sealed class Housekeeping(GroupRegistry registry, ILogger<Housekeeping> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, registry.Time);
        do
        {
            try
            {
                registry.Sweep();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogError("sweep of the groups directory failed: {Error}", e.Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
