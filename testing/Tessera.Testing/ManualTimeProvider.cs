namespace Tessera.Testing;

/// <summary>
/// A clock that moves only when a test says so (<see cref="Advance"/>, <see cref="Set"/>). Its
/// timestamps follow the same clock, and so do its timers: <c>Task.Delay</c>,
/// <c>CancellationTokenSource</c> timeouts, <c>PeriodicTimer</c> and <see cref="TimeProvider.CreateTimer"/>
/// over this provider fire while the clock is moved past their due time, in due order, on the
/// thread that moves it, and never on their own. Thread-safe.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>Where a clock made without a start begins: a fixed instant, so runs repeat.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _created;

    public ManualTimeProvider() : this(DefaultStart) { }

    public ManualTimeProvider(DateTimeOffset start) => _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    /// <summary>Ticks of the manual clock, so elapsed-time measurements follow it too.</summary>
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers armed and not yet due (a one-shot timer stops counting once it fired).</summary>
    public int PendingTimers
    {
        get
        {
            lock (_lock) return _timers.Count(t => t.Due is not null);
        }
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock) target = _now + by;
        MoveTo(target);
    }

    /// <summary>
    /// Sets the clock. Forward, timers fire as with <see cref="Advance"/>; backward, nothing fires
    /// and armed timers keep their (absolute) due times.
    /// </summary>
    public void Set(DateTimeOffset now) => MoveTo(now);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            timer.Order = _created++;
            _timers.Add(timer);
        }
        timer.Change(dueTime, period);
        return timer;
    }

    private void MoveTo(DateTimeOffset target)
    {
        while (true)
        {
            ManualTimer? next = null;
            lock (_lock)
            {
                foreach (var t in _timers)
                    if (t.Due is { } due && due <= target && (next is null || due < next.Due || (due == next.Due && t.Order < next.Order)))
                        next = t;
                if (next is null)
                {
                    _now = target;
                    return;
                }
                // The callback sees the clock at its own due time, as a real timer would.
                if (next.Due > _now) _now = next.Due.Value;
                next.Due = next.Period > TimeSpan.Zero ? next.Due + next.Period : null;
            }
            // Outside the lock: a callback may read the clock, arm timers or move the clock itself.
            next.Callback(next.State);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;
        public object? State { get; } = state;
        public long Order { get; set; }

        /// <summary>When it fires next; null while disarmed. Guarded by the owner's lock.</summary>
        public DateTimeOffset? Due { get; set; }

        /// <summary>Zero or infinite: fires once. Guarded by the owner's lock.</summary>
        public TimeSpan Period { get; private set; }

        private bool _disposed;

        /// <remarks>A due time of zero fires at the next move of the clock (even by zero), never inside this call.</remarks>
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Check(dueTime, nameof(dueTime));
            Check(period, nameof(period));
            lock (owner._lock)
            {
                if (_disposed) return false;
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                return true;
            }
        }

        private static void Check(TimeSpan value, string name)
        {
            if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
                throw new ArgumentOutOfRangeException(name, value, "must be non-negative or infinite");
        }

        public void Dispose()
        {
            lock (owner._lock)
            {
                _disposed = true;
                Due = null;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
