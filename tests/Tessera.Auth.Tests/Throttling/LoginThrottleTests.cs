using System.Net;
using Tessera.Auth.Throttling;

namespace Tessera.Auth.Tests.Throttling;

public sealed class LoginThrottleTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Home = IPAddress.Parse("198.51.100.20");

    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private LoginThrottle Throttle(LoginThrottleOptions? options = null) => new(options, _time);

    private static void Fail(LoginThrottle t, string user, IPAddress from, int times)
    {
        for (var i = 0; i < times; i++) t.RecordFailure(user, from);
    }

    // --- password failures -------------------------------------------------------------------

    [Fact]
    public void Four_failures_of_a_pair_are_free_and_the_fifth_makes_the_next_attempt_wait()
    {
        var t = Throttle();
        Fail(t, "ada", Attacker, 4);
        Assert.True(t.Check("ada", Attacker).Allowed);
        t.RecordFailure("ada", Attacker);
        Assert.Equal(TimeSpan.FromSeconds(1), t.Check("ada", Attacker).RetryAfter);
    }

    [Fact]
    public void Beyond_the_free_failures_the_delay_doubles()
    {
        var t = Throttle();
        Fail(t, "ada", Attacker, 5);
        Assert.Equal(TimeSpan.FromSeconds(1), t.Check("ada", Attacker).RetryAfter);
        t.RecordFailure("ada", Attacker);
        Assert.Equal(TimeSpan.FromSeconds(2), t.Check("ada", Attacker).RetryAfter);
        t.RecordFailure("ada", Attacker);
        Assert.Equal(TimeSpan.FromSeconds(4), t.Check("ada", Attacker).RetryAfter);
    }

    [Fact]
    public void The_delay_ends_when_its_time_has_passed()
    {
        var t = Throttle();
        Fail(t, "ada", Attacker, 6);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(t.Check("ada", Attacker).Allowed);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(t.Check("ada", Attacker).Allowed);
    }

    [Fact]
    public void The_delay_is_capped()
    {
        var t = Throttle();
        Fail(t, "ada", Attacker, 200);
        Assert.Equal(TimeSpan.FromMinutes(15), t.Check("ada", Attacker).RetryAfter);
    }

    [Fact]
    public void An_attackers_failures_do_not_block_the_user_from_another_address()
    {
        var t = Throttle();
        Fail(t, "ada", Attacker, 50);
        Assert.False(t.Check("ada", Attacker).Allowed);
        Assert.True(t.Check("ada", Home).Allowed);
    }

    [Fact]
    public void One_users_failures_never_block_another_user_behind_the_same_address()
    {
        var t = Throttle();
        for (var i = 0; i < 30; i++) Fail(t, "pupil" + i, Attacker, 10);
        Assert.True(t.Check("teacher", Attacker).Allowed);
    }

    [Fact]
    public void Many_addresses_guessing_one_user_hit_the_generous_per_user_ceiling()
    {
        var t = Throttle();
        for (var i = 0; i < 100; i++) t.RecordFailure("ada", IPAddress.Parse($"203.0.{i / 256}.{i % 256}"));
        Assert.False(t.Check("ada", IPAddress.Parse("192.0.2.99")).Allowed);
        Assert.True(t.Check("bob", IPAddress.Parse("192.0.2.99")).Allowed);
        Assert.True(t.Check("ada", IPAddress.Parse("192.0.2.99")).RetryAfter <= TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void An_address_where_the_user_logged_in_is_exempt_from_the_per_user_ceiling()
    {
        var t = Throttle();
        t.Succeeded(Home, "ada");
        for (var i = 0; i < 150; i++) t.RecordFailure("ada", IPAddress.Parse($"203.0.{i / 256}.{i % 256}"));
        Assert.True(t.Check("ada", Home).Allowed);
    }

    [Fact]
    public void A_success_clears_the_pair_but_not_the_user_counter()
    {
        var t = Throttle(new LoginThrottleOptions { UserFreeFailures = 6 });
        Fail(t, "ada", Attacker, 4);
        t.Succeeded(Attacker, "ada");
        Fail(t, "ada", Attacker, 2);
        Assert.True(t.Check("ada", Attacker).Allowed); // the pair restarted and the pair is trusted…
        Assert.False(t.Check("ada", Home).Allowed);    // …but the user has used its 6 elsewhere
    }

    [Fact]
    public void Failures_are_forgotten_after_a_quiet_period()
    {
        var t = Throttle();
        Fail(t, "ada", Attacker, 4);
        _time.Advance(TimeSpan.FromMinutes(31));
        Fail(t, "ada", Attacker, 4);
        Assert.True(t.Check("ada", Attacker).Allowed);
    }

    [Fact]
    public void Usernames_differing_only_in_case_share_a_counter()
    {
        var t = Throttle();
        Fail(t, "Ada", Attacker, 3);
        Fail(t, "ADA", Attacker, 2);
        Assert.False(t.Check("ada", Attacker).Allowed);
    }

    [Fact]
    public void An_ipv6_host_cannot_escape_by_changing_the_low_64_bits()
    {
        var t = Throttle();
        for (var i = 1; i <= 5; i++) t.RecordFailure("ada", IPAddress.Parse($"2001:db8:1:2::{i:x}"));
        Assert.False(t.Check("ada", IPAddress.Parse("2001:db8:1:2:ffff::1")).Allowed);
        Assert.True(t.Check("ada", IPAddress.Parse("2001:db8:1:3::1")).Allowed);
    }

    [Fact]
    public void Ipv4_mapped_addresses_count_as_ipv4()
    {
        var t = Throttle();
        Fail(t, "ada", IPAddress.Parse("::ffff:203.0.113.7"), 5);
        Assert.False(t.Check("ada", Attacker).Allowed);
    }

    [Fact]
    public void Memory_is_bounded_under_a_flood_of_distinct_keys()
    {
        var t = Throttle(new LoginThrottleOptions { MaxEntries = 100 });
        for (var i = 0; i < 1000; i++) t.RecordFailure("u" + i, IPAddress.Parse($"10.0.{i / 256}.{i % 256}"));
        for (var i = 0; i < 1000; i++) t.BeginAttempt(IPAddress.Parse($"10.1.{i / 256}.{i % 256}"));
        // The newest offender is still remembered.
        Fail(t, "u999", IPAddress.Parse("10.0.3.231"), 5);
        Assert.False(t.Check("u999", IPAddress.Parse("10.0.3.231")).Allowed);
    }

    // --- attempts per address ----------------------------------------------------------------

    [Fact]
    public void An_address_may_make_a_burst_of_attempts_then_one_per_second()
    {
        var t = Throttle(new LoginThrottleOptions { AttemptBurst = 10, AttemptsPerSecond = 0.5 });
        for (var i = 0; i < 10; i++) Assert.True(t.BeginAttempt(Attacker).Allowed);
        var refused = t.BeginAttempt(Attacker);
        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.RetryAfter);
        Assert.True(t.BeginAttempt(Home).Allowed); // other addresses are not affected
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(t.BeginAttempt(Attacker).Allowed);
        Assert.False(t.BeginAttempt(Attacker).Allowed);
    }

    [Fact]
    public void Successful_attempts_give_their_token_back_so_a_classroom_never_runs_dry()
    {
        var t = Throttle(new LoginThrottleOptions { AttemptBurst = 5 });
        for (var i = 0; i < 500; i++)
        {
            Assert.True(t.BeginAttempt(Attacker).Allowed, $"attempt {i}");
            t.RefundAttempt(Attacker);
        }
    }

    [Fact]
    public void A_success_gives_the_attempt_back_and_trusts_the_password_pair_in_one_call()
    {
        var t = Throttle(new LoginThrottleOptions { AttemptBurst = 5, UserFreeFailures = 3 });
        for (var i = 0; i < 500; i++)
        {
            Assert.True(t.BeginAttempt(Home).Allowed, $"attempt {i}");
            t.Succeeded(Home, "ada");
        }
        Fail(t, "ada", Attacker, 3);
        Assert.False(t.Check("ada", Attacker).Allowed);
        Assert.True(t.Check("ada", Home).Allowed); // trusted: the per-user ceiling does not reach it
        // Without a password (a token), only the attempt goes back; nobody becomes trusted.
        t.Succeeded(Attacker, null);
        Assert.False(t.Check("ada", Attacker).Allowed);
    }

    [Fact]
    public void A_refused_attempt_takes_nothing_so_waiting_the_announced_time_is_enough()
    {
        var t = Throttle(new LoginThrottleOptions { AttemptBurst = 1, AttemptsPerSecond = 1 });
        Assert.True(t.BeginAttempt(Attacker).Allowed);
        for (var i = 0; i < 100; i++) Assert.False(t.BeginAttempt(Attacker).Allowed);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(t.BeginAttempt(Attacker).Allowed);
    }

    [Fact]
    public void The_bucket_never_holds_more_than_its_burst()
    {
        var t = Throttle(new LoginThrottleOptions { AttemptBurst = 3 });
        _time.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 10; i++) t.RefundAttempt(Attacker);
        for (var i = 0; i < 3; i++) Assert.True(t.BeginAttempt(Attacker).Allowed);
        Assert.False(t.BeginAttempt(Attacker).Allowed);
    }

    [Fact]
    public void Options_are_read_at_each_call_so_a_reloaded_configuration_applies_at_once()
    {
        var options = new LoginThrottleOptions { AttemptBurst = 1 };
        var t = new LoginThrottle(() => options, _time);
        Assert.True(t.BeginAttempt(Attacker).Allowed);
        Assert.False(t.BeginAttempt(Attacker).Allowed);
        options = options with { AttemptBurst = 3, AttemptsPerSecond = 1000 };
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.True(t.BeginAttempt(Attacker).Allowed);
    }

    [Theory]
    [InlineData("""{"attemptBurst": 0}""", "attemptBurst")]
    [InlineData("""{"attemptsPerSecond": -1}""", "attemptsPerSecond")]
    [InlineData("""{"pairFreeFailures": 0}""", "pairFreeFailures")]
    [InlineData("""{"maxDelay": 1e9}""", "maxDelay")]
    public void Bad_settings_are_named(string json, string field)
    {
        var settings = System.Text.Json.JsonSerializer.Deserialize<LoginThrottleSettings>(json)!;
        Assert.Contains(field, settings.Problem());
    }
}
