namespace Tessera.Server.Cluster;

/// <summary>
/// The leases this node holds, each with the deadline by this process's own clock after which it
/// stops serving the group whether or not Redis could be asked. Thread-safe.
/// </summary>
public sealed class HeldLeases(TimeProvider time)
{
    private readonly Dictionary<string, HeldLease> _leases = new(StringComparer.Ordinal);

    /// <summary>One lease: its fencing number, when it stops being ours, since when its group is empty.</summary>
    public sealed record HeldLease(string Group, long Fence, long ValidUntil, long? EmptySince);

    /// <summary>True while the lease on <paramref name="group"/> is ours and not past its deadline.</summary>
    public bool Holds(string group)
    {
        lock (_leases) return _leases.TryGetValue(group, out var l) && time.GetTimestamp() < l.ValidUntil;
    }

    public void Hold(string group, long fence, long validUntil)
    {
        lock (_leases)
            _leases[group] = _leases.TryGetValue(group, out var old) && old.Fence == fence
                ? old with { ValidUntil = Math.Max(old.ValidUntil, validUntil) }
                : new HeldLease(group, fence, validUntil, null);
    }

    /// <summary>Moves the deadline of a lease still held under <paramref name="fence"/>.</summary>
    public void Extend(string group, long fence, long validUntil)
    {
        lock (_leases)
            if (_leases.TryGetValue(group, out var l) && l.Fence == fence && validUntil > l.ValidUntil)
                _leases[group] = l with { ValidUntil = validUntil };
    }

    public void MarkEmpty(string group, bool empty)
    {
        lock (_leases)
            if (_leases.TryGetValue(group, out var l) && (l.EmptySince is null) == empty)
                _leases[group] = l with { EmptySince = empty ? time.GetTimestamp() : null };
    }

    /// <summary>Forgets a lease, if it is still the one with <paramref name="fence"/>.</summary>
    public bool Drop(string group, long fence)
    {
        lock (_leases) return _leases.TryGetValue(group, out var l) && l.Fence == fence && _leases.Remove(group);
    }

    public IReadOnlyList<HeldLease> All()
    {
        lock (_leases) return _leases.Values.ToList();
    }

    /// <summary>Removes and returns the leases whose deadline has passed.</summary>
    public IReadOnlyList<HeldLease> TakeExpired()
    {
        var now = time.GetTimestamp();
        lock (_leases)
        {
            var expired = _leases.Values.Where(l => now >= l.ValidUntil).ToList();
            foreach (var l in expired) _leases.Remove(l.Group);
            return expired;
        }
    }
}
