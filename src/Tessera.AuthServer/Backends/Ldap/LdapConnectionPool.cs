using System.Collections.Concurrent;

namespace Tessera.AuthServer.Backends.Ldap;

/// <summary>
/// A small set of reusable directory connections: opening a connection (and TLS) costs more than
/// a bind, so connections are kept and handed to one request at a time. At most
/// <c>size</c> exist; further requests wait for one to come back.
/// </summary>
internal sealed class LdapConnectionPool : IDisposable
{
    private readonly LdapEndpoint _endpoint;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<PooledLdapConnection> _idle = [];
    private bool _disposed;

    public LdapConnectionPool(LdapEndpoint endpoint, int size, TimeSpan timeout)
    {
        _endpoint = endpoint;
        _timeout = timeout;
        _slots = new SemaphoreSlim(size, size);
    }

    public async ValueTask<PooledLdapConnection> RentAsync(CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false))
            throw new BackendException("ldap: no directory connection became free in time");
        if (_idle.TryTake(out var connection)) return connection;
        try
        {
            return new PooledLdapConnection(_endpoint, _timeout);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>Gives a connection back; a broken one is closed and a fresh one is made next time.</summary>
    public void Return(PooledLdapConnection connection)
    {
        if (connection.Broken || Volatile.Read(ref _disposed)) connection.Dispose();
        else _idle.Add(connection);
        _slots.Release();
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (_idle.TryTake(out var c)) c.Dispose();
    }
}
