namespace Tessera.Media.Tests.Testing;

/// <summary>The shared manual clock (testing/Tessera.Testing): its timers fire when, and only when, it is moved past them.</summary>
public sealed class ManualTimeProviderTests
{
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public void Timers_fire_in_due_order_each_seeing_the_clock_at_its_due_time()
    {
        var fired = new List<(string, TimeSpan)>();
        var start = _clock.GetUtcNow();
        using var late = _clock.CreateTimer(_ => fired.Add(("late", _clock.GetUtcNow() - start)), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        using var early = _clock.CreateTimer(_ => fired.Add(("early", _clock.GetUtcNow() - start)), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        _clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(fired);
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([("early", TimeSpan.FromSeconds(1)), ("late", TimeSpan.FromSeconds(2))], fired);
        Assert.Equal(start + TimeSpan.FromSeconds(5.999), _clock.GetUtcNow());
        Assert.Equal(0, _clock.PendingTimers);
    }

    [Fact]
    public void A_periodic_timer_fires_once_per_period_passed_until_changed_or_disposed()
    {
        var count = 0;
        var timer = _clock.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Equal(3, count);

        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, count);

        timer.Change(TimeSpan.Zero, TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.Zero);
        Assert.Equal(4, count);
        timer.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(4, count);
    }

    [Fact]
    public async Task Delays_and_timeouts_over_the_clock_end_when_it_passes_them()
    {
        var delay = Task.Delay(TimeSpan.FromMinutes(1), _clock);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), _clock);
        Assert.Equal(2, _clock.PendingTimers);

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(timeout.IsCancellationRequested);
        Assert.False(delay.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(30));
        await Eventually.Completes(delay);
    }

    [Fact]
    public void Timestamps_follow_the_clock_and_setting_it_back_fires_nothing()
    {
        var fired = 0;
        using var timer = _clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var started = _clock.GetTimestamp();
        _clock.Set(_clock.GetUtcNow() - TimeSpan.FromHours(1));
        Assert.Equal(0, fired);
        Assert.Equal(TimeSpan.FromHours(-1), _clock.GetElapsedTime(started));

        _clock.Set(ManualTimeProvider.DefaultStart + TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired);
    }

    [Fact]
    public async Task Eventually_names_what_it_waited_for_and_the_last_sample()
    {
        var e = await Assert.ThrowsAsync<EventuallyTimeoutException>(() =>
            Eventually.Value(() => 41, n => n == 42, "the answer", TimeSpan.FromMilliseconds(50)));
        Assert.Contains("the answer", e.Message);
        Assert.Contains("41", e.Message);

        var answer = 40;
        var waiting = Eventually.Value(() => answer, n => n == 42);
        answer = 42;
        Assert.Equal(42, await waiting);
    }
}
