using Tessera.Server.Cluster;

namespace Tessera.Server.Tests.Cluster;

/// <summary>The node's own view of its leases, on a manual clock: a lease counts only until its deadline and only under its fence.</summary>
public sealed class HeldLeasesTests
{
    private readonly ManualTimeProvider _time = new();

    private long In(double seconds) => _time.GetTimestamp() + (long)(seconds * _time.TimestampFrequency);

    [Fact]
    public void A_lease_is_held_until_its_deadline_and_then_taken_as_expired()
    {
        var leases = new HeldLeases(_time);
        leases.Hold("g", fence: 7, validUntil: In(4));
        _time.Advance(TimeSpan.FromSeconds(3.9));
        Assert.True(leases.Holds("g"));
        Assert.Empty(leases.TakeExpired());

        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(leases.Holds("g"));
        Assert.Equal(["g"], leases.TakeExpired().Select(l => l.Group));
        Assert.Empty(leases.All());
    }

    [Fact]
    public void Only_the_same_fence_extends_or_drops_a_lease()
    {
        var leases = new HeldLeases(_time);
        leases.Hold("g", fence: 7, validUntil: In(4));
        leases.Extend("g", fence: 6, validUntil: In(40)); // an older lease's renewal answering late
        Assert.False(leases.Drop("g", fence: 6));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(leases.Holds("g"));

        leases.Hold("g", fence: 8, validUntil: In(4)); // placed again, a new fence
        leases.Extend("g", fence: 8, validUntil: In(9));
        _time.Advance(TimeSpan.FromSeconds(8));
        Assert.True(leases.Holds("g"));
        Assert.True(leases.Drop("g", fence: 8));
        Assert.False(leases.Holds("g"));
    }

    [Fact]
    public void An_empty_group_remembers_since_when()
    {
        var leases = new HeldLeases(_time);
        leases.Hold("g", fence: 1, validUntil: In(4));
        leases.MarkEmpty("g", empty: true);
        var since = leases.All().Single().EmptySince;
        _time.Advance(TimeSpan.FromSeconds(1));
        leases.MarkEmpty("g", empty: true); // still empty: the first moment stays
        Assert.Equal(since, leases.All().Single().EmptySince);
        leases.MarkEmpty("g", empty: false);
        Assert.Null(leases.All().Single().EmptySince);
    }
}
