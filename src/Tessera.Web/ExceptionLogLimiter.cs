using System.Diagnostics;

namespace Tessera.Web;

/// <summary>
/// Decides which failures are logged with their stack trace: the first of each cause, then at
/// most one per <see cref="Period"/>. A cause is the exception type and the frame that threw it,
/// so two different bugs never hide each other. The table is bounded: past
/// <see cref="MaxCauses"/> causes, the ones whose period ended are forgotten.
/// </summary>
public sealed class ExceptionLogLimiter(TimeProvider time)
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);
    internal const int MaxCauses = 1000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _causes = new(StringComparer.Ordinal);

    /// <summary>
    /// True when this occurrence should be logged in full; <paramref name="suppressed"/> then says
    /// how many of the same cause were not logged since the previous full one.
    /// </summary>
    public bool ShouldLogInFull(string cause, out int suppressed)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_causes.TryGetValue(cause, out var entry) && now < entry.LoggedAt + Period)
            {
                entry.Suppressed++;
                suppressed = 0;
                return false;
            }
            suppressed = entry?.Suppressed ?? 0;
            if (entry is null && _causes.Count >= MaxCauses) Forget(now);
            _causes[cause] = new Entry { LoggedAt = now };
            return true;
        }
    }

    /// <summary>The exception's type and where it was thrown (the innermost frame with a method).</summary>
    public static string CauseOf(Exception e)
    {
        var frame = new StackTrace(e, false).GetFrames().FirstOrDefault(f => f.GetMethod() is not null);
        var method = frame?.GetMethod();
        return method is null ? e.GetType().FullName ?? "?" : $"{e.GetType().FullName} at {method.DeclaringType?.FullName}.{method.Name}";
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, entry) in _causes)
            if (now >= entry.LoggedAt + Period) _causes.Remove(key);
        // Still full: all are recent, so many distinct causes within a minute; start afresh
        // rather than grow (each will be logged once more at worst).
        if (_causes.Count >= MaxCauses) _causes.Clear();
    }

    private sealed class Entry
    {
        public DateTimeOffset LoggedAt { get; init; }
        public int Suppressed { get; set; }
    }
}
