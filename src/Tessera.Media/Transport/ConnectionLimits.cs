using System.Net;

namespace Tessera.Media.Transport;

/// <summary>Counts open stream connections per client address and in total, refusing past either bound.</summary>
internal sealed class ConnectionLimits(int maxPerClient, int max)
{
    private readonly object _gate = new();
    private readonly Dictionary<IPAddress, int> _perClient = new();
    private int _total;

    public int Count
    {
        get { lock (_gate) return _total; }
    }

    public bool TryAdd(IPAddress client)
    {
        lock (_gate)
        {
            int held = _perClient.GetValueOrDefault(client);
            if (held >= maxPerClient || _total >= max)
                return false;
            _perClient[client] = held + 1;
            _total++;
            return true;
        }
    }

    public void Remove(IPAddress client)
    {
        lock (_gate)
        {
            _total--;
            int left = _perClient[client] - 1;
            if (left == 0)
                _perClient.Remove(client);
            else
                _perClient[client] = left;
        }
    }
}
