using Tessera.Server.Hosting;

namespace Tessera.Server.Tests.Hosting;

public sealed class BoundedBlockPoolTests
{
    [Fact]
    public void Returned_blocks_are_reused_up_to_the_bound_and_the_rest_left_to_the_collector()
    {
        using var pool = new BoundedBlockPool(maxFreeBlocks: 2);
        var blocks = Enumerable.Range(0, 3).Select(_ => pool.Rent()).ToList();
        var memories = blocks.Select(b => b.Memory).ToList();
        Assert.All(memories, m => Assert.Equal(BoundedBlockPool.BlockSize, m.Length));

        foreach (var b in blocks) b.Dispose();
        Assert.Equal(2, pool.FreeBlocks);

        var again = pool.Rent();
        Assert.Contains(memories, m => m.Equals(again.Memory));
        Assert.Equal(1, pool.FreeBlocks);
    }

    [Fact]
    public void A_block_disposed_twice_goes_back_once()
    {
        using var pool = new BoundedBlockPool(maxFreeBlocks: 4);
        var block = pool.Rent();
        block.Dispose();
        block.Dispose();
        Assert.Equal(1, pool.FreeBlocks);
        Assert.NotEqual(pool.Rent().Memory, pool.Rent().Memory);
    }

    [Fact]
    public void Larger_than_a_block_is_refused()
    {
        using var pool = new BoundedBlockPool(maxFreeBlocks: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(BoundedBlockPool.BlockSize + 1));
    }
}
