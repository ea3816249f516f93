using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;
using Tessera.Media.Transport;

namespace Tessera.Media.Tests.Transport;

/// <summary>Which sends a batch scope holds back, over real UDP on 127.0.0.1 from a dual-stack socket like the multiplexer's.</summary>
public sealed class DatagramSenderTests : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
    private readonly UdpClient _peer = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly DatagramSender _sender;
    private readonly SocketAddress _peerAddress;
    private readonly ListLogger _log = new();
    private readonly ManualTimeProvider _clock = new();

    public DatagramSenderTests()
    {
        _socket.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        _sender = new DatagramSender(_socket, _log, new LogThrottle(_clock));
        var ep = (IPEndPoint)_peer.Client.LocalEndPoint!;
        _peerAddress = new IPEndPoint(ep.Address.MapToIPv6(), ep.Port).Serialize();
        _peer.Client.ReceiveTimeout = 5000;
    }

    private byte[] Receive()
    {
        var buffer = new byte[64];
        int n = _peer.Client.Receive(buffer);
        return buffer[..n];
    }

    private bool NothingArrives() => !_peer.Client.Poll(TimeSpan.FromMilliseconds(200), SelectMode.SelectRead);

    private void SendFromAnotherThread(byte[] datagram)
    {
        var thread = new Thread(() => _sender.SendTo(datagram, _peerAddress));
        thread.Start();
        thread.Join();
    }

    [Fact]
    public void Without_a_scope_a_send_goes_out_at_once()
    {
        _sender.SendTo([1], _peerAddress);
        Assert.Equal([1], Receive());
    }

    [Fact]
    public void A_send_inside_a_scope_leaves_when_it_closes_while_another_thread_s_send_goes_out_directly()
    {
        using (_sender.BeginBatch())
        {
            _sender.SendTo([1], _peerAddress);
            SendFromAnotherThread([2]);
            Assert.Equal([2], Receive()); // not held by a scope it is not in
            Assert.True(NothingArrives()); // ours waits for the flush
            _sender.SendTo([3], _peerAddress);
        }
        Assert.Equal([1], Receive());
        Assert.Equal([3], Receive());
    }

    [Fact]
    public void A_scope_opened_while_one_is_open_holds_nothing_back_itself()
    {
        using (_sender.BeginBatch())
        {
            using (_sender.BeginBatch())
                _sender.SendTo([1], _peerAddress);
            Assert.True(NothingArrives()); // still in the outer scope's batch
        }
        Assert.Equal([1], Receive());

        // Another thread's scope while this one is open: it gets no batch, so its sends go directly.
        using (_sender.BeginBatch())
        {
            var thread = new Thread(() =>
            {
                using (_sender.BeginBatch())
                    _sender.SendTo([2], _peerAddress);
            });
            thread.Start();
            thread.Join();
            Assert.Equal([2], Receive());
        }
    }

    [Fact]
    public void More_than_a_batch_holds_is_all_delivered_in_order()
    {
        using (_sender.BeginBatch())
            for (int i = 0; i < DatagramBatch.Capacity + 10; i++)
                _sender.SendTo([(byte)i], _peerAddress);
        for (int i = 0; i < DatagramBatch.Capacity + 10; i++)
            Assert.Equal([(byte)i], Receive());
    }

    [Fact]
    public void A_datagram_the_socket_refuses_is_counted_and_logged_at_debug_once_a_minute()
    {
        // UDP refuses destination port 0 (EINVAL), directly as in a batch.
        var portZero = new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 0).Serialize();
        _sender.SendTo([1], portZero);
        _sender.SendTo([2], portZero);
        Assert.Equal(2, _sender.Errors);
        var direct = Assert.Single(_log.Entries);
        Assert.Equal(LogLevel.Debug, direct.Level);
        Assert.Contains("UDP send failed", direct.Message);

        using (_sender.BeginBatch())
        {
            _sender.SendTo([3], portZero);
            _sender.SendTo([4], _peerAddress);
        }
        Assert.Equal([4], Receive()); // the rest of the batch still goes
        Assert.Equal(3, _sender.Errors);
        Assert.Equal(2, _log.Entries.Count);
        Assert.Contains("1 batched datagram(s)", _log.Entries[1].Message);

        _clock.Advance(LogThrottle.Period);
        _sender.SendTo([5], portZero);
        Assert.Equal(3, _log.Entries.Count);
        Assert.Contains("(1 more like it not logged since the last one)", _log.Entries[2].Message);
    }

    public void Dispose()
    {
        _sender.Dispose();
        _socket.Dispose();
        _peer.Dispose();
    }
}
