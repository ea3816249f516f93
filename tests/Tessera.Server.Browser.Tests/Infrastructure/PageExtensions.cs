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

    /// <summary>
    /// Samples (e.g. getStats) every 250 ms until the sample satisfies the condition or the time
    /// is up, and returns the last sample: the caller asserts on it for a precise failure message.
    /// </summary>
    public static async Task<T> SampleUntilAsync<T>(this IPage page, Func<Task<T>> sample, Func<T, bool> condition, int timeoutMs)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        var value = await sample();
        while (!condition(value) && DateTime.UtcNow < deadline)
        {
            await page.WaitForTimeoutAsync(250);
            value = await sample();
        }
        return value;
    }
}
