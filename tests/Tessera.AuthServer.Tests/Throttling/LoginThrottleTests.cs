using System.Net;
using Tessera.Auth.Throttling;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Throttling;

public sealed class LoginThrottleTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Home = IPAddress.Parse("198.51.100.20");

    private readonly ManualTimeProvider _time = new();

    private LoginThrottle Throttle(LoginThrottleOptions? options = null) => new(options, _time);

    private static void Fail(LoginThrottle t, string? user, IPAddress from, int times)
    {
        for (var i = 0; i < times; i++) t.RecordFailure(user, from);
    }

    [Fact]
    public void TheFirstFailuresOfAPairAreFree()
    {
        var t = Throttle();
        Fail(t, "ada", Attacker, 5);
        Assert.True(t.Check("ada", Attacker).Allowed);
    }

    [Fact]
    public void BeyondTheFreeFailuresTheDelayDoubles()
    {
        var t = Throttle();
        Fail(t, "ada", Attacker, 6);
        Assert.Equal(TimeSpan.FromSeconds(1), t.Check("ada", Attacker).RetryAfter);
        t.RecordFailure("ada", Attacker);
        Assert.Equal(TimeSpan.FromSeconds(2), t.Check("ada", Attacker).RetryAfter);
        t.RecordFailure("ada", Attacker);
        Assert.Equal(TimeSpan.FromSeconds(4), t.Check("ada", Attacker).RetryAfter);
    }

    [Fact]
    public void TheDelayEndsWhenItsTimeHasPassed()
    {
        var t = Throttle();
        Fail(t, "ada", Attacker, 7);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(t.Check("ada", Attacker).Allowed);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(t.Check("ada", Attacker).Allowed);
    }

    [Fact]
    public void TheDelayIsCapped()
    {
        var t = Throttle();
        Fail(t, "ada", Attacker, 200);
        Assert.Equal(TimeSpan.FromMinutes(15), t.Check("ada", Attacker).RetryAfter);
    }

    [Fact]
    public void AnAttackersFailuresDoNotBlockTheUserFromAnotherAddress()
    {
        var t = Throttle();
        Fail(t, "ada", Attacker, 50);
        Assert.False(t.Check("ada", Attacker).Allowed);
        Assert.True(t.Check("ada", Home).Allowed);
    }

    [Fact]
    public void ManyAddressesGuessingOneUserHitTheGenerousPerUserCeiling()
    {
        var t = Throttle();
        for (var i = 0; i < 101; i++) t.RecordFailure("ada", IPAddress.Parse($"203.0.{i / 256}.{i % 256}"));
        Assert.False(t.Check("ada", IPAddress.Parse("192.0.2.99")).Allowed);
        Assert.True(t.Check("bob", IPAddress.Parse("192.0.2.99")).Allowed);
        Assert.True(t.Check("ada", IPAddress.Parse("192.0.2.99")).RetryAfter <= TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void AnAddressWhereTheUserLoggedInIsExemptFromThePerUserCeiling()
    {
        var t = Throttle();
        t.RecordSuccess("ada", Home);
        for (var i = 0; i < 150; i++) t.RecordFailure("ada", IPAddress.Parse($"203.0.{i / 256}.{i % 256}"));
        Assert.True(t.Check("ada", Home).Allowed);
    }

    [Fact]
    public void OneAddressSprayingManyUsersIsThrottledByAddress()
    {
        var t = Throttle();
        for (var i = 0; i < 21; i++) t.RecordFailure("user" + i, Attacker);
        Assert.False(t.Check("someone-new", Attacker).Allowed);
        Assert.False(t.Check(null, Attacker).Allowed);
        Assert.True(t.Check("someone-new", Home).Allowed);
    }

    [Fact]
    public void ASuccessClearsThePairButNotTheAddressCounter()
    {
        var t = Throttle(new LoginThrottleOptions { AddressFreeFailures = 6 });
        Fail(t, "ada", Attacker, 5);
        t.RecordSuccess("ada", Attacker);
        Fail(t, "ada", Attacker, 2);
        // The pair restarted (2 of 5 free), but the address has now used 7 failures of 6.
        Assert.False(t.Check("ada", Attacker).Allowed);
    }

    [Fact]
    public void FailuresAreForgottenAfterAQuietPeriod()
    {
        var t = Throttle();
        Fail(t, "ada", Attacker, 5);
        _time.Advance(TimeSpan.FromMinutes(31));
        Fail(t, "ada", Attacker, 5);
        Assert.True(t.Check("ada", Attacker).Allowed);
    }

    [Fact]
    public void UsernamesDifferingOnlyInCaseShareACounter()
    {
        var t = Throttle();
        Fail(t, "Ada", Attacker, 3);
        Fail(t, "ADA", Attacker, 3);
        Assert.False(t.Check("ada", Attacker).Allowed);
    }

    [Fact]
    public void AnIpv6HostCannotEscapeByChangingTheLow64Bits()
    {
        var t = Throttle();
        for (var i = 1; i <= 6; i++) t.RecordFailure("ada", IPAddress.Parse($"2001:db8:1:2::{i:x}"));
        Assert.False(t.Check("ada", IPAddress.Parse("2001:db8:1:2:ffff::1")).Allowed);
        Assert.True(t.Check("ada", IPAddress.Parse("2001:db8:1:3::1")).Allowed);
    }

    [Fact]
    public void Ipv4MappedAddressesCountAsIpv4()
    {
        var t = Throttle();
        Fail(t, "ada", IPAddress.Parse("::ffff:203.0.113.7"), 6);
        Assert.False(t.Check("ada", Attacker).Allowed);
    }

    [Fact]
    public void MemoryIsBoundedUnderAFloodOfDistinctKeys()
    {
        var t = Throttle(new LoginThrottleOptions { MaxEntries = 100 });
        for (var i = 0; i < 1000; i++) t.RecordFailure("u" + i, IPAddress.Parse($"10.0.{i / 256}.{i % 256}"));
        // The newest offender is still remembered.
        Fail(t, "u999", IPAddress.Parse("10.0.3.231"), 5);
        Assert.False(t.Check("u999", IPAddress.Parse("10.0.3.231")).Allowed);
    }
}
