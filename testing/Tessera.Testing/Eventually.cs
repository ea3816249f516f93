using System.Runtime.CompilerServices;

namespace Tessera.Testing;

/// <summary>
/// Waiting in tests for something another thread, process or machine does: a condition that
/// becomes true, a value that becomes acceptable, or a task that completes. Each wait returns as
/// soon as it is satisfied and fails, naming what it waited for, only after a generous timeout
/// (small CI machines run several test projects at once). Never a fixed sleep.
/// </summary>
public static class Eventually
{
    /// <summary>How long any wait may take before it fails.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns once <paramref name="condition"/> holds.</summary>
    /// <exception cref="EventuallyTimeoutException">It did not hold within the timeout.</exception>
    public static Task True(Func<bool> condition, string? what = null, TimeSpan? timeout = null,
                            [CallerArgumentExpression(nameof(condition))] string expression = "") =>
        Value(() => condition(), ok => ok, what ?? expression, timeout, expression);

    /// <summary>Returns once the condition, which may itself wait (a query to a browser, say), holds.</summary>
    /// <exception cref="EventuallyTimeoutException">It did not hold within the timeout.</exception>
    public static Task True(Func<Task<bool>> condition, string? what = null, TimeSpan? timeout = null,
                            [CallerArgumentExpression(nameof(condition))] string expression = "") =>
        Value(condition, ok => ok, what ?? expression, timeout, expression);

    /// <summary>Samples until a sample is accepted, and returns it.</summary>
    /// <exception cref="EventuallyTimeoutException">No sample was accepted within the timeout; the message shows the last one.</exception>
    public static Task<T> Value<T>(Func<T> sample, Func<T, bool> accept, string? what = null, TimeSpan? timeout = null,
                                   [CallerArgumentExpression(nameof(accept))] string expression = "") =>
        Value(() => Task.FromResult(sample()), accept, what, timeout, expression);

    /// <summary>Samples (each sample may wait) until a sample is accepted, and returns it.</summary>
    /// <exception cref="EventuallyTimeoutException">No sample was accepted within the timeout; the message shows the last one.</exception>
    public static async Task<T> Value<T>(Func<Task<T>> sample, Func<T, bool> accept, string? what = null, TimeSpan? timeout = null,
                                         [CallerArgumentExpression(nameof(accept))] string expression = "")
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var poll = FirstPoll;
        while (true)
        {
            var value = await sample();
            if (accept(value)) return value;
            if (clock.Elapsed >= limit)
                throw new EventuallyTimeoutException(
                    $"waited {limit.TotalSeconds:0.#} s for {what ?? expression}; the last sample was {Describe(value)}");
            await Task.Delay(poll);
            poll = poll * 2 < LongestPoll ? poll * 2 : LongestPoll;
        }
    }

    /// <summary>Awaits <paramref name="task"/>, failing with a clear message if it does not complete in time.</summary>
    /// <exception cref="EventuallyTimeoutException">It did not complete within the timeout.</exception>
    public static async Task<T> Completes<T>(Task<T> task, string? what = null, TimeSpan? timeout = null,
                                             [CallerArgumentExpression(nameof(task))] string expression = "")
    {
        await Completes((Task)task, what, timeout, expression);
        return await task;
    }

    /// <summary>Awaits <paramref name="task"/>, failing with a clear message if it does not complete in time.</summary>
    /// <exception cref="EventuallyTimeoutException">It did not complete within the timeout.</exception>
    public static async Task Completes(Task task, string? what = null, TimeSpan? timeout = null,
                                       [CallerArgumentExpression(nameof(task))] string expression = "")
    {
        var limit = timeout ?? DefaultTimeout;
        try
        {
            await task.WaitAsync(limit);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new EventuallyTimeoutException($"waited {limit.TotalSeconds:0.#} s for {what ?? expression}");
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(i => i?.ToString() ?? "null")) + "]",
        _ => value.ToString() ?? "",
    };
}

/// <summary>What was waited for did not happen in time.</summary>
public sealed class EventuallyTimeoutException(string message) : Exception(message);
