using System.Net;

namespace Tessera.Media.Turn;

/// <summary>
/// Every live allocation of a server, counted per client address and in total so that neither one
/// client nor all of them together can make the server hold sockets and buffers without bound.
/// </summary>
internal sealed class AllocationTable
{
    private readonly object _gate = new();
    private readonly HashSet<Allocation> _allocations = new();
    private readonly Dictionary<IPAddress, int> _perClient = new();
    private readonly int _maxPerClient;
    private readonly int _max;

    public AllocationTable(int maxPerClient, int max)
    {
        _maxPerClient = maxPerClient;
        _max = max;
    }

    public int Count
    {
        get { lock (_gate) return _allocations.Count; }
    }

    /// <summary>Holds a place for one more allocation of <paramref name="client"/>; give it back with <see cref="Release"/> if unused.</summary>
    public QuotaResult TryReserve(IPAddress client)
    {
        lock (_gate)
        {
            int held = _perClient.GetValueOrDefault(client);
            if (held >= _maxPerClient)
                return QuotaResult.ClientQuotaReached;
            if (_reserved + _allocations.Count >= _max)
                return QuotaResult.ServerFull;
            _perClient[client] = held + 1;
            _reserved++;
            return QuotaResult.Reserved;
        }
    }

    private int _reserved;

    /// <summary>A reservation that did not become an allocation.</summary>
    public void Release(IPAddress client)
    {
        lock (_gate)
        {
            _reserved--;
            Decrement(client);
        }
    }

    /// <summary>Turns a reservation into the allocation.</summary>
    public void Add(Allocation allocation)
    {
        lock (_gate)
        {
            _reserved--;
            _allocations.Add(allocation);
        }
    }

    /// <summary>Removes and disposes; false when it was already gone.</summary>
    public bool Remove(Allocation allocation)
    {
        lock (_gate)
        {
            if (!_allocations.Remove(allocation))
                return false;
            Decrement(allocation.Client.Remote.Address);
        }
        allocation.Dispose();
        var client = allocation.Client;
        if (client.Allocation == allocation)
            client.Allocation = null;
        client.AllocationEnded();
        return true;
    }

    public List<Allocation> Expired(DateTimeOffset now)
    {
        lock (_gate)
            return _allocations.Where(a => a.IsExpired(now)).ToList();
    }

    public List<Allocation> All()
    {
        lock (_gate)
            return _allocations.ToList();
    }

    private void Decrement(IPAddress client)
    {
        int left = _perClient[client] - 1;
        if (left == 0)
            _perClient.Remove(client);
        else
            _perClient[client] = left;
    }
}

internal enum QuotaResult
{
    Reserved,
    ClientQuotaReached,
    ServerFull,
}
