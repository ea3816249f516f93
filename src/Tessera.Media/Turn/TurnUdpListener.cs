using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;
using Tessera.Media.Transport;

namespace Tessera.Media.Turn;

/// <summary>
/// The UDP side of the server: one socket, read by one thread of our own together with the relay
/// sockets of its clients' allocations (a <see cref="SocketPoller"/>; where there is none, a thread
/// of its own blocked in receive). A client is remembered (by its raw socket address, so routing a
/// packet allocates nothing) only while it holds an allocation; anything else a source sends costs
/// the server nothing it keeps.
/// </summary>
internal sealed class TurnUdpListener : IDisposable, IPollTarget
{
    private readonly Socket _socket;
    private readonly TurnMessageHandler _handler;
    private readonly ILogger _logger;
    private readonly LogThrottle _throttle;
    private readonly DatagramSender _sender;
    private readonly ConcurrentDictionary<SocketAddress, UdpTurnClient> _clients = new();
    private readonly SocketPoller? _poller;
    private readonly Thread? _thread;
    private readonly SocketAddress _source;
    private volatile bool _stopping;

    public TurnUdpListener(IPEndPoint endPoint, TurnMessageHandler handler, ILogger logger, TimeProvider time)
    {
        _socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.ReceiveBufferSize = 1 << 20;
            _socket.Bind(endPoint);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        _handler = handler;
        _logger = logger;
        _throttle = new LogThrottle(time);
        _sender = new DatagramSender(_socket, logger, _throttle);
        _source = new SocketAddress(_socket.AddressFamily);
        _poller = SocketPoller.TryCreate("TURN UDP relay", _sender, logger, _throttle);
        if (_poller is not null)
        {
            _poller.Add(_socket, this);
        }
        else
        {
            _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = "TURN UDP receive" };
            _thread.Start();
        }
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    private void ReceiveLoop()
    {
        var buffer = new byte[65536];
        var source = new SocketAddress(_socket.AddressFamily);
        while (!_stopping)
        {
            int received;
            try
            {
                received = _socket.ReceiveFrom(buffer, SocketFlags.None, source);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                continue; // ICMP errors for earlier sends
            }
            try
            {
                Handle(buffer.AsSpan(0, received), source);
            }
            catch (Exception e)
            {
                _throttle.Log(_logger, LogLevel.Error, LogThrottle.CauseOf(e), e, "TURN: handling a {Length}-byte datagram failed", received);
            }
        }
    }

    // On the poller's thread: one datagram per readiness (epoll reports the socket again while more wait).
    void IPollTarget.OnReadable(byte[] scratch)
    {
        int received;
        try
        {
            received = _socket.ReceiveFrom(scratch, SocketFlags.None, _source);
        }
        catch (SocketException)
        {
            return; // nothing left, or an ICMP error for an earlier send
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        Handle(scratch.AsSpan(0, received), _source);
    }

    private void Handle(ReadOnlySpan<byte> datagram, SocketAddress source)
    {
        var client = _clients.GetValueOrDefault(source) ?? NewClient(source);
        _handler.Handle(client, datagram);
        if (client.Allocation is not null)
            _clients.TryAdd(client.Address, client);
    }

    private UdpTurnClient NewClient(SocketAddress source)
    {
        var copy = new SocketAddress(source.Family, source.Size);
        source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
        var template = new IPEndPoint(source.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var remote = TurnMessages.Normalize((IPEndPoint)template.Create(copy));
        return new UdpTurnClient(_sender, _poller, copy, remote, c => _clients.TryRemove(new KeyValuePair<SocketAddress, UdpTurnClient>(c.Address, c)));
    }

    public void Dispose()
    {
        _stopping = true;
        _poller?.Dispose();
        _socket.Dispose();
        bool stopped = _thread?.Join(TimeSpan.FromSeconds(5)) ?? true;
        if (stopped)
            _sender.Dispose(); // otherwise its batch is leaked rather than freed under a running thread
    }
}
