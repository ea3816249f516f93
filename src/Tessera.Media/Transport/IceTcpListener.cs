using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;
using Tessera.Media.Ice;
using Tessera.Media.Stun;

namespace Tessera.Media.Transport;

/// <summary>
/// ICE over TCP (RFC 6544) beside a <see cref="UdpMultiplexer"/>: passive host candidates on one
/// TCP port, for browsers that cannot send UDP to the server. A connection belongs to the agent
/// whose Binding request it carried first; after that its DTLS and SRTP go to that agent's
/// receiver exactly as UDP datagrams do, so nothing past the ICE agent knows the transport.
/// Connections are bounded in number (per address and in total), each by one frame of buffer,
/// and one that passes no check in <see cref="CheckTimeout"/> is closed.
/// </summary>
public sealed class IceTcpListener : IDisposable
{
    /// <summary>Time a new connection has to pass its first ICE check.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _listener;
    private readonly UdpMultiplexer _multiplexer;
    private readonly ILogger _logger;
    private readonly LogThrottle _throttle;
    private readonly ConnectionLimits _limits;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    private IceTcpListener(Socket listener, UdpMultiplexer multiplexer, int maxPerClient, int max)
    {
        _listener = listener;
        _multiplexer = multiplexer;
        _logger = multiplexer.Logger;
        _throttle = new LogThrottle(multiplexer.TimeProvider);
        _limits = new ConnectionLimits(maxPerClient, max);
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Connections open now (diagnostics and tests).</summary>
    public int ConnectionCount => _limits.Count;

    /// <summary>
    /// Listens on <paramref name="port"/> (0: any) at the multiplexer's own address, and adds a
    /// passive TCP candidate for each of its UDP candidates' addresses.
    /// </summary>
    /// <exception cref="SocketException">The port is taken.</exception>
    public static IceTcpListener Start(UdpMultiplexer multiplexer, int port, int maxConnectionsPerClient = 256, int maxConnections = 10_000)
    {
        var bind = multiplexer.LocalEndPoint.Address;
        var socket = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (bind.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            socket.Bind(new IPEndPoint(bind, port));
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var listener = new IceTcpListener(socket, multiplexer, maxConnectionsPerClient, maxConnections);
        int bound = listener.LocalEndPoint.Port;
        multiplexer.Advertise(multiplexer.Candidates
            .Where(c => !c.Tcp)
            .Select((c, i) => new IceCandidate("tcp" + c.Foundation, 1, IceCandidate.PassiveTcpPriority(i), new IPEndPoint(c.EndPoint.Address, bound), Tcp: true))
            .ToList());
        return listener;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            var remote = (IPEndPoint)socket.RemoteEndPoint!;
            if (remote.Address.IsIPv4MappedToIPv6)
                remote = new IPEndPoint(remote.Address.MapToIPv4(), remote.Port);
            if (!_limits.TryAdd(remote.Address))
            {
                socket.Dispose();
                continue;
            }
            _ = ServeAsync(socket, remote);
        }
    }

    private async Task ServeAsync(Socket socket, IPEndPoint remote)
    {
        socket.NoDelay = true;
        var connection = new IceTcpConnection(socket, remote);
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var writer = connection.WriteLoopAsync(closing.Token);
        using var firstCheckDeadline = _multiplexer.TimeProvider.CreateTimer(_ =>
        {
            if (connection.Agent is null)
                socket.Dispose();
        }, null, CheckTimeout, Timeout.InfiniteTimeSpan);
        var reader = new StreamFrameReader(2 + ushort.MaxValue, IceTcpConnection.FrameLength);
        using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            while (await reader.ReadAsync(stream, closing.Token).ConfigureAwait(false) is { } frame)
                Handle(connection, frame.Span[2..]);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
        {
            _logger.LogDebug("ICE-TCP connection from {Remote} ended: {Reason}", remote, e.Message);
        }
        finally
        {
            connection.Complete();
            closing.Cancel();
            socket.Dispose();
            await writer.ConfigureAwait(false);
            connection.Agent?.ConnectionClosed(connection);
            _limits.Remove(remote.Address);
        }
    }

    private void Handle(IceTcpConnection connection, Span<byte> packet)
    {
        if (packet.IsEmpty)
            return;
        try
        {
            byte first = packet[0];
            if (first <= 3)
            {
                HandleStun(connection, packet);
                return;
            }
            var agent = connection.Agent;
            if (agent is null)
                return; // nothing but checks before a check has passed
            agent.Deliver(packet);
        }
        catch (Exception e)
        {
            // As on the UDP path: one bad packet must not end the connection or flood the log.
            _throttle.Log(_logger, LogLevel.Error, LogThrottle.CauseOf(e), e,
                "Handling a {Length}-byte ICE-TCP packet from {Source} failed", packet.Length, connection.Remote);
        }
    }

    private void HandleStun(IceTcpConnection connection, Span<byte> packet)
    {
        if (!StunMessage.TryParse(packet, out var message) || message!.Type != StunMessageType.BindingRequest)
            return;
        // A connection is one candidate pair: it stays with the agent that first authenticated on it.
        if (_multiplexer.AgentFor(message.Username) is not { } agent || (connection.Agent is { } owner && !ReferenceEquals(owner, agent)))
            return;
        var response = agent.HandleBindingRequest(message, connection.Remote, out bool validated, connection);
        if (validated)
            connection.Agent = agent;
        if (response is not null)
            connection.Send(response);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _acceptLoop.Wait(TimeSpan.FromSeconds(5));
    }
}
