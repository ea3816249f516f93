using System.Collections.Concurrent;

namespace Tessera.Auth.Jwk;

/// <summary>
/// A small pool of per-key crypto objects (ECDsa, RSA). The framework does not promise that one
/// instance may be used by several threads at once, so each verification rents its own, and the
/// pool keeps imports to a handful per key instead of one per token.
/// </summary>
internal sealed class InstancePool<T>(Func<T> create, int maxIdle = 8) where T : class, IDisposable
{
    private readonly ConcurrentBag<T> _idle = new();

    public T Rent() => _idle.TryTake(out var item) ? item : create();

    public void Return(T item)
    {
        if (_idle.Count < maxIdle) _idle.Add(item);
        else item.Dispose();
    }
}
