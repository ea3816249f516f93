using System.Collections.Concurrent;

namespace Tessera.Auth.Jwk;

/// <summary>
/// A small pool of per-key crypto objects (ECDsa, RSA). The framework does not promise that one
/// instance may be used by several threads at once, so each verification rents its own, and the
/// pool keeps imports to a handful per key instead of one per token.
/// </summary>
internal sealed class InstancePool<T>(Func<T> create, int maxIdle = 8) where T : class, IDisposable
{
    private readonly ConcurrentQueue<T> _idle = new();
    private int _idleCount;

    public T Rent()
    {
        if (!_idle.TryDequeue(out var item)) return create();
        Interlocked.Decrement(ref _idleCount);
        return item;
    }

    public void Return(T item)
    {
        if (Interlocked.Increment(ref _idleCount) <= maxIdle)
        {
            _idle.Enqueue(item);
            return;
        }
        Interlocked.Decrement(ref _idleCount);
        item.Dispose();
    }
}
