using Tessera.Protocol.Groups;

namespace Tessera.Server.Hosting;

/// <summary>
/// The 15-minute sweep (files.md §4.7, §8.4): public groups loaded, idle groups evicted, tokens
/// expired for over a week purged.
/// </summary>
public sealed class Housekeeping(GroupRegistry registry, Tessera.Auth.Tokens.ITokenStore tokens, ILogger<Housekeeping> logger) : BackgroundService
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
                var purged = tokens.Expire();
                if (purged > 0) logger.LogInformation("purged {Count} tokens expired for more than a week", purged);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogError("sweep of the groups directory failed: {Error}", e.Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
