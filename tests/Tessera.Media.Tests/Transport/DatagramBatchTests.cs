using System.Net;
using System.Net.Sockets;
using Tessera.Media.Transport;

namespace Tessera.Media.Tests.Transport;

/// <summary>sendmmsg batching over real UDP on 127.0.0.1, from a dual-stack socket like the endpoint's.</summary>
public sealed class DatagramBatchTests : IDisposable
{
    private readonly Socket _sender = new(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
    private readonly UdpClient _first = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly UdpClient _second = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly DatagramBatch _batch = DatagramBatch.TryCreate() ?? throw new InvalidOperationException("sendmmsg is expected on Linux");

    public DatagramBatchTests() => _sender.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));

    private static SocketAddress Address(UdpClient client)
    {
        var ep = (IPEndPoint)client.Client.LocalEndPoint!;
        return new IPEndPoint(ep.Address.MapToIPv6(), ep.Port).Serialize();
    }

    private static async Task<byte[]> ReceiveAsync(UdpClient client) =>
        (await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5))).Buffer;

    [Fact]
    public async Task One_flush_delivers_every_datagram_to_its_own_address_in_order()
    {
        Assert.True(_batch.TryAdd([1, 2, 3], Address(_first)));
        Assert.True(_batch.TryAdd(new byte[1200], Address(_second)));
        Assert.True(_batch.TryAdd([4], Address(_first)));
        Assert.Equal(3, _batch.Count);

        _batch.Flush(_sender);

        Assert.Equal(0, _batch.Count);
        Assert.Equal([1, 2, 3], await ReceiveAsync(_first));
        Assert.Equal([4], await ReceiveAsync(_first));
        Assert.Equal(1200, (await ReceiveAsync(_second)).Length);
    }

    [Fact]
    public async Task A_full_batch_refuses_more_until_flushed_and_nothing_is_lost()
    {
        for (int i = 0; i < DatagramBatch.Capacity; i++)
            Assert.True(_batch.TryAdd([(byte)i], Address(_first)));
        Assert.False(_batch.TryAdd([255], Address(_first)));

        _batch.Flush(_sender);
        for (int i = 0; i < DatagramBatch.Capacity; i++)
            Assert.Equal([(byte)i], await ReceiveAsync(_first));
        Assert.True(_batch.TryAdd([255], Address(_first)));
    }

    [Fact]
    public void A_datagram_larger_than_a_slot_is_refused_so_the_caller_sends_it_directly()
    {
        Assert.False(_batch.TryAdd(new byte[DatagramBatch.MaxDatagram + 1], Address(_first)));
        Assert.Equal(0, _batch.Count);
    }

    [Fact]
    public async Task A_datagram_the_kernel_refuses_is_skipped_and_the_rest_still_go()
    {
        // UDP refuses destination port 0 (EINVAL).
        var portZero = new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 0).Serialize();
        Assert.True(_batch.TryAdd([7], portZero));
        Assert.True(_batch.TryAdd([9], portZero));
        Assert.True(_batch.TryAdd([8], Address(_second)));

        Assert.Equal(2, _batch.Flush(_sender)); // dropped
        Assert.Equal(22, _batch.LastError); // EINVAL

        Assert.Equal([8], await ReceiveAsync(_second));
        Assert.Equal(0, _batch.Count);
    }

    // The send path protects straight into a reserved slot: only what is committed leaves, in order
    // with what was added by copy, and a slot reserved but not committed is reused, never sent.
    [Fact]
    public async Task A_reserved_slot_leaves_only_once_committed()
    {
        Assert.True(_batch.TryAdd([1], Address(_first)));
        Assert.True(_batch.TryReserve(Address(_second), out var abandoned));
        abandoned[0] = 99; // e.g. protect threw: never committed
        Assert.True(_batch.TryReserve(Address(_first), out var slot));
        Assert.Equal(DatagramBatch.MaxDatagram, slot.Length);
        slot[0] = 2;
        slot[1] = 3;
        _batch.Commit(2);
        Assert.True(_batch.TryAdd([4], Address(_second)));
        Assert.Equal(3, _batch.Count);

        _batch.Flush(_sender);

        Assert.Equal([1], await ReceiveAsync(_first));
        Assert.Equal([2, 3], await ReceiveAsync(_first));
        Assert.Equal([4], await ReceiveAsync(_second)); // not the abandoned 99
    }

    [Fact]
    public void A_full_batch_has_no_slot_to_reserve()
    {
        for (int i = 0; i < DatagramBatch.Capacity; i++)
            Assert.True(_batch.TryAdd([(byte)i], Address(_first)));
        Assert.False(_batch.TryReserve(Address(_first), out _));
        Assert.Throws<InvalidOperationException>(() => _batch.Commit(1));
    }

    public void Dispose()
    {
        _batch.Dispose();
        _sender.Dispose();
        _first.Dispose();
        _second.Dispose();
    }
}
