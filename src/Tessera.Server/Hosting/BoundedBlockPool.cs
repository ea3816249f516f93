using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Tessera.Server.Hosting;

/// <summary>
/// Kestrel's connection buffers, from a pool that keeps at most <see cref="MaxFreeBlocks"/> free
/// blocks. Kestrel's own pool keeps every block it ever lent and gives back 1 % every 10 s while
/// traffic goes on: after a 1,000-member join flood it held 10,600 blocks (44 MB) for a group of
/// idle members. Here a block returned to a full pool is left to the collector.
/// </summary>
public sealed class BoundedBlockPoolFactory(int maxFreeBlocks) : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new BoundedBlockPool(maxFreeBlocks);
}

public sealed class BoundedBlockPool(int maxFreeBlocks) : MemoryPool<byte>
{
    /// <summary>Kestrel's block size: one page.</summary>
    public const int BlockSize = 4096;

    private readonly ConcurrentQueue<Block> _free = new();
    private int _freeCount;

    public int MaxFreeBlocks { get; } = maxFreeBlocks;
    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks waiting in the pool (for tests).</summary>
    public int FreeBlocks => Volatile.Read(ref _freeCount);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            block.Leased = true;
            return block;
        }
        return new Block(this);
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _freeCount) <= MaxFreeBlocks) _free.Enqueue(block);
        else Interlocked.Decrement(ref _freeCount);
    }

    protected override void Dispose(bool disposing)
    {
        while (_free.TryDequeue(out _)) Interlocked.Decrement(ref _freeCount);
    }

    /// <summary>
    /// One page on the pinned object heap, as Kestrel allocates them, so that handing a block to
    /// the socket never pins an object in the middle of the ordinary heap.
    /// </summary>
    private sealed class Block(BoundedBlockPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);

        public bool Leased { get; set; } = true;

        public Memory<byte> Memory => _array;

        public void Dispose()
        {
            // A second dispose must not put the block in the pool twice.
            if (!Leased) return;
            Leased = false;
            pool.Return(this);
        }
    }
}
