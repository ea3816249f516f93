using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;

namespace Tessera.Media.Tests.Diagnostics;

public sealed class LogThrottleTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly LogThrottle _throttle;

    public LogThrottleTests() => _throttle = new LogThrottle(_clock);

    [Fact]
    public void The_first_occurrence_is_logged_then_one_a_minute_with_the_count_left_out()
    {
        Assert.True(_throttle.ShouldLog("a", out int suppressed));
        Assert.Equal(0, suppressed);
        for (int i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(10));
            Assert.False(_throttle.ShouldLog("a", out _));
        }

        _clock.Advance(TimeSpan.FromSeconds(10)); // a minute after the first
        Assert.True(_throttle.ShouldLog("a", out suppressed));
        Assert.Equal(5, suppressed);

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(_throttle.ShouldLog("a", out _));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_throttle.ShouldLog("a", out suppressed));
        Assert.Equal(1, suppressed);
    }

    [Fact]
    public void Causes_are_throttled_each_on_its_own()
    {
        Assert.True(_throttle.ShouldLog("a", out _));
        Assert.True(_throttle.ShouldLog("b", out _));
        Assert.False(_throttle.ShouldLog("a", out _));
        Assert.False(_throttle.ShouldLog("b", out _));
    }

    [Fact]
    public void Many_causes_at_once_are_forgotten_rather_than_remembered_without_bound()
    {
        for (int i = 0; i < LogThrottle.DefaultMaxCauses; i++)
            Assert.True(_throttle.ShouldLog("cause " + i, out _));
        Assert.True(_throttle.ShouldLog("one more", out _)); // all recent: the table starts afresh
        Assert.True(_throttle.ShouldLog("cause 0", out _)); // so an old cause is logged once more at worst
        Assert.False(_throttle.ShouldLog("one more", out _));
    }

    [Fact]
    public void Log_writes_the_exception_first_and_then_says_how_many_were_left_out()
    {
        var logger = new ListLogger();
        var failure = new InvalidOperationException("boom");
        _throttle.Log(logger, LogLevel.Error, "x", failure, "Handling {What} failed", "a datagram");
        _throttle.Log(logger, LogLevel.Error, "x", failure, "Handling {What} failed", "a datagram");
        _throttle.Log(logger, LogLevel.Error, "x", failure, "Handling {What} failed", "a datagram");
        _clock.Advance(LogThrottle.Period);
        _throttle.Log(logger, LogLevel.Error, "x", failure, "Handling {What} failed", "a datagram");

        Assert.Collection(logger.Entries,
            first =>
            {
                Assert.Equal("Handling a datagram failed", first.Message);
                Assert.Same(failure, first.Exception);
            },
            later =>
            {
                Assert.Equal("Handling a datagram failed (2 more like it not logged since the last one)", later.Message);
                Assert.Same(failure, later.Exception);
            });
    }

    [Fact]
    public void Nothing_is_counted_at_a_level_the_logger_ignores()
    {
        _throttle.Log(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, LogLevel.Debug, "x", null, "ignored");
        Assert.True(_throttle.ShouldLog("x", out int suppressed)); // still the first occurrence
        Assert.Equal(0, suppressed);
    }

    [Fact]
    public void The_cause_of_an_exception_is_its_type_and_where_it_was_thrown()
    {
        var here = Catch(() => ThrowHere("one"));
        var sameSpot = Catch(() => ThrowHere("two"));
        var elsewhere = Catch(ThrowElsewhere);

        Assert.Equal(LogThrottle.CauseOf(here), LogThrottle.CauseOf(sameSpot)); // the message does not matter
        Assert.NotEqual(LogThrottle.CauseOf(here), LogThrottle.CauseOf(elsewhere));
        Assert.Contains(nameof(InvalidOperationException), LogThrottle.CauseOf(elsewhere));
        Assert.Contains(nameof(ThrowElsewhere), LogThrottle.CauseOf(elsewhere));
        Assert.Equal(typeof(InvalidOperationException).FullName, LogThrottle.CauseOf(new InvalidOperationException())); // never thrown
    }

    private static void ThrowHere(string message) => throw new InvalidOperationException(message);

    private static void ThrowElsewhere() => throw new InvalidOperationException("three");

    private static Exception Catch(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }
        throw new InvalidOperationException("did not throw");
    }
}
