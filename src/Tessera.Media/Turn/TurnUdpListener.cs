using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;

namespace Tessera.Media.Turn;

/// <summary>
/// The UDP side of the server: one socket, one dedicated receive thread. A client is remembered
/// (by its raw socket address, so routing a packet allocates nothing) only while it holds an
/// allocation; anything else a source sends costs the server nothing it keeps.
/// </summary>
internal sealed class TurnUdpListener : IDisposable
{
    private readonly Socket _socket;
    private readonly TurnMessageHandler _handler;
    private readonly ILogger _logger;
    private readonly LogThrottle _throttle;
    private readonly ConcurrentDictionary<SocketAddress, UdpTurnClient> _clients = new();
    private readonly Thread _thread;
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
        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = "TURN UDP receive" };
        _thread.Start();
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
                var client = _clients.GetValueOrDefault(source) ?? NewClient(source);
                _handler.Handle(client, buffer.AsSpan(0, received));
                if (client.Allocation is not null)
                    _clients.TryAdd(client.Address, client);
            }
            catch (Exception e)
            {
                _throttle.Log(_logger, LogLevel.Error, LogThrottle.CauseOf(e), e, "TURN: handling a {Length}-byte datagram failed", received);
            }
        }
    }

    private UdpTurnClient NewClient(SocketAddress source)
    {
        var copy = new SocketAddress(source.Family, source.Size);
        source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
        var template = new IPEndPoint(source.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var remote = TurnMessages.Normalize((IPEndPoint)template.Create(copy));
        return new UdpTurnClient(_socket, copy, remote, c => _clients.TryRemove(new KeyValuePair<SocketAddress, UdpTurnClient>(c.Address, c)));
    }

    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
