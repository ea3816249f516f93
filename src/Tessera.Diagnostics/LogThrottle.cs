using Microsoft.Extensions.Logging;

namespace Tessera.Diagnostics;

/// <summary>
/// Keeps a recurring failure from flooding the log. Of each cause (a short string: an exception's
/// type and the method that threw it, a socket error code), the first occurrence is logged, then
/// at most one per <see cref="Period"/>, which says how many were left out since the one before.
/// Used on the media per-datagram paths, where a bad peer or a broken socket can fail thousands of
/// times a second, and for failed HTTP requests and WebSocket connections of both servers.
/// Thread-safe; the number of causes it remembers is bounded.
/// </summary>
public sealed class LogThrottle
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);
    public const int DefaultMaxCauses = 256;

    private readonly TimeProvider _time;
    private readonly int _maxCauses;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Occurrences> _causes = new(StringComparer.Ordinal);

    /// <param name="maxCauses">Causes remembered at once; past that, those whose period ended are forgotten.</param>
    public LogThrottle(TimeProvider? time = null, int maxCauses = DefaultMaxCauses)
    {
        _time = time ?? TimeProvider.System;
        _maxCauses = maxCauses;
    }

    /// <summary>
    /// Counts one occurrence of <paramref name="cause"/>. True when this one is to be logged;
    /// <paramref name="suppressed"/> then says how many were not since the previous one logged.
    /// </summary>
    public bool ShouldLog(string cause, out int suppressed)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_causes.TryGetValue(cause, out var seen))
            {
                if (now - seen.LoggedAt < Period)
                {
                    seen.Suppressed++;
                    suppressed = 0;
                    return false;
                }
                suppressed = seen.Suppressed;
                seen.LoggedAt = now;
                seen.Suppressed = 0;
                return true;
            }
            if (_causes.Count >= _maxCauses)
                Forget(now);
            _causes[cause] = new Occurrences { LoggedAt = now };
            suppressed = 0;
            return true;
        }
    }

    /// <summary>
    /// Logs <paramref name="message"/> (a message template) with <paramref name="exception"/> and its
    /// stack trace, if the level is enabled and <see cref="ShouldLog"/> lets <paramref name="cause"/> through.
    /// </summary>
    public void Log(ILogger logger, LogLevel level, string cause, Exception? exception, string message, params object?[] args)
    {
        if (!logger.IsEnabled(level) || !ShouldLog(cause, out int suppressed))
            return;
        if (suppressed == 0)
            logger.Log(level, exception, message, args);
        else
            logger.Log(level, exception, message + " ({Suppressed} more like it not logged since the last one)", [.. args, suppressed]);
    }

    /// <summary>
    /// An exception's cause: its type and the method that threw it (the innermost frame that has
    /// one), so that two different faults never hide each other.
    /// </summary>
    public static string CauseOf(Exception e)
    {
        var thrower = new System.Diagnostics.StackTrace(e, false).GetFrames().Select(f => f.GetMethod()).FirstOrDefault(m => m is not null);
        return thrower is null ? e.GetType().FullName ?? "?" : $"{e.GetType().FullName} at {thrower.DeclaringType?.FullName}.{thrower.Name}";
    }

    // Full: drop the causes whose period is over; if all are recent, start afresh rather than grow.
    private void Forget(DateTimeOffset now)
    {
        foreach (var (cause, seen) in _causes)
            if (now - seen.LoggedAt >= Period)
                _causes.Remove(cause);
        if (_causes.Count >= _maxCauses)
            _causes.Clear();
    }

    private sealed class Occurrences
    {
        public DateTimeOffset LoggedAt { get; set; }
        public int Suppressed { get; set; }
    }
}
