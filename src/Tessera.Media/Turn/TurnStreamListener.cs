using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tessera.Media.Stun;
using Tessera.Media.Transport;

namespace Tessera.Media.Turn;

/// <summary>
/// TURN over TCP, or over TLS when given a certificate (RFC 8656 §3.1): each connection is one
/// client 5-tuple, read as back-to-back STUN and ChannelData messages through a bounded buffer.
/// Connections are limited in number, per client address and in total; one that has made no
/// allocation after <see cref="TurnServerOptions.IdleConnectionTimeout"/> is closed, and closing a
/// connection ends its allocation.
/// </summary>
internal sealed class TurnStreamListener : IDisposable
{
    /// <summary>The largest message on the stream: a STUN header and 65535 bytes of attributes.</summary>
    private const int MaxFrame = 20 + 65535;
    private static readonly TimeSpan TlsHandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _listener;
    private readonly TurnMessageHandler _handler;
    private readonly AllocationTable _allocations;
    private readonly TurnServerOptions _options;
    private readonly Func<System.Security.Cryptography.X509Certificates.X509Certificate2>? _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConnectionLimits _limits;
    private readonly Task _acceptLoop;

    public TurnStreamListener(IPEndPoint endPoint, TurnMessageHandler handler, AllocationTable allocations, TurnServerOptions options,
        Func<System.Security.Cryptography.X509Certificates.X509Certificate2>? certificate)
    {
        _listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(endPoint);
            _listener.Listen(512);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
        _handler = handler;
        _allocations = allocations;
        _options = options;
        _certificate = certificate;
        _limits = new ConnectionLimits(options.MaxConnectionsPerClient, options.MaxConnections);
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    private TurnTransport Transport => _certificate is null ? TurnTransport.Tcp : TurnTransport.Tls;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            var remote = TurnMessages.Normalize((IPEndPoint)connection.RemoteEndPoint!);
            if (!_limits.TryAdd(remote.Address))
            {
                connection.Dispose();
                continue;
            }
            _ = ServeAsync(connection, remote);
        }
    }

    private async Task ServeAsync(Socket connection, IPEndPoint remote)
    {
        connection.NoDelay = true;
        connection.SendTimeout = 5000; // a client that stops reading loses its connection, not the relay its thread
        Stream stream = new NetworkStream(connection, ownsSocket: true);
        StreamTurnClient? client = null;
        ITimer? idle = null;
        try
        {
            if (_certificate is { } certificate)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                handshake.CancelAfter(TlsHandshakeTimeout);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate() }, handshake.Token)
                    .ConfigureAwait(false);
            }
            client = new StreamTurnClient(stream, remote, Transport, connection.Dispose);
            var watched = client;
            idle = _options.TimeProvider.CreateTimer(_ =>
            {
                if (watched.Allocation is null)
                    connection.Dispose();
            }, null, _options.IdleConnectionTimeout, Timeout.InfiniteTimeSpan);
            var reader = new StreamFrameReader(MaxFrame, FrameLength);
            while (await reader.ReadAsync(stream, _stop.Token).ConfigureAwait(false) is { } frame)
                _handler.Handle(client, frame.Span);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or ObjectDisposedException
                                      or SocketException or System.Security.Authentication.AuthenticationException)
        {
            _options.Logger.LogDebug("TURN {Transport} connection from {Remote} ended: {Reason}", Transport, remote, e.Message);
        }
        finally
        {
            idle?.Dispose();
            if (client?.Allocation is { } allocation)
                _allocations.Remove(allocation);
            await stream.DisposeAsync().ConfigureAwait(false);
            _limits.Remove(remote.Address);
        }
    }

    /// <summary>
    /// STUN (first two bits 00, then the magic cookie): header plus its length; ChannelData: header
    /// plus data padded to 4. Anything else means the peer does not speak TURN.
    /// </summary>
    internal static int FrameLength(ReadOnlySpan<byte> buffered)
    {
        if (buffered[0] > 0x4F)
            return -1;
        bool stun = buffered[0] < 0x40;
        if (buffered.Length < (stun ? 8 : 4))
            return 0;
        int length = BinaryPrimitives.ReadUInt16BigEndian(buffered[2..]);
        if (stun)
            return BinaryPrimitives.ReadUInt32BigEndian(buffered[4..]) == StunConstants.MagicCookie ? StunConstants.HeaderLength + length : -1;
        return ChannelData.HeaderLength + length + ChannelData.StreamPadding(length);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _acceptLoop.Wait(TimeSpan.FromSeconds(5));
    }
}
