using Microsoft.Playwright;

namespace Tessera.Server.Browser.Tests.Infrastructure;

public static class PageExtensions
{
    /// <summary>Waits (polling, bounded) for a condition observed from the test side, e.g. recorded frames.</summary>
    public static async Task WaitForConditionAsync(this IPage page, Func<bool> condition, int timeoutMs = 5000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            await page.WaitForTimeoutAsync(50);
        }
    }
}
