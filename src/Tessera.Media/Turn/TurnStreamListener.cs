using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tessera.Media.Stun;
using Tessera.Media.Transport;

namespace Tessera.Media.Turn;

/// <summary>
/// TURN over TCP, and over TLS on the same port when given a certificate (RFC 8656 §3.1): a
/// connection whose first byte opens a TLS handshake (22) gets TLS, any other is plain; each is one
/// client 5-tuple, read as back-to-back STUN and ChannelData messages through a bounded buffer.
/// Connections are limited in number, per client address and in total; one that has made no
/// allocation after <see cref="TurnServerOptions.IdleConnectionTimeout"/> is closed, and closing a
/// connection ends its allocation.
/// </summary>
internal sealed class TurnStreamListener : IDisposable
{
    /// <summary>The largest message on the stream: a STUN header and 65535 bytes of attributes.</summary>
    private const int MaxFrame = 20 + 65535;

    private readonly Socket _listener;
    private readonly TurnMessageHandler _handler;
    private readonly AllocationTable _allocations;
    private readonly TurnServerOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConnectionLimits _limits;
    private readonly Task _acceptLoop;

    /// <summary>The first byte of a TLS record carrying a handshake; STUN starts with 0x00 or 0x01, ChannelData 0x40–0x4F.</summary>
    private const byte TlsHandshake = 22;

    public TurnStreamListener(IPEndPoint endPoint, TurnMessageHandler handler, AllocationTable allocations, TurnServerOptions options)
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
        _limits = new ConnectionLimits(options.MaxConnectionsPerClient, options.MaxConnections);
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

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
        var transport = TurnTransport.Tcp;
        StreamTurnClient? client = null;
        // From acceptance: a connection that never sends, or never finishes its TLS handshake, is closed too.
        var watched = new StrongBox<TurnClient?>();
        using var idle = _options.TimeProvider.CreateTimer(_ =>
        {
            if (watched.Value?.Allocation is null)
                connection.Dispose();
        }, null, _options.IdleConnectionTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            if (_options.Certificate is { } certificate && await StartsWithTlsAsync(connection).ConfigureAwait(false))
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                transport = TurnTransport.Tls;
                // A handshake that stalls is ended by the idle timer like any silent connection.
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate() }, _stop.Token)
                    .ConfigureAwait(false);
            }
            client = new StreamTurnClient(stream, remote, transport, connection.Dispose);
            watched.Value = client;
            var reader = new StreamFrameReader(MaxFrame, FrameLength);
            while (await reader.ReadAsync(stream, _stop.Token).ConfigureAwait(false) is { } frame)
                _handler.Handle(client, frame.Span);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or ObjectDisposedException
                                      or SocketException or System.Security.Authentication.AuthenticationException)
        {
            _options.Logger.LogDebug("TURN {Transport} connection from {Remote} ended: {Reason}", transport, remote, e.Message);
        }
        finally
        {
            if (client?.Allocation is { } allocation)
                _allocations.Remove(allocation);
            await stream.DisposeAsync().ConfigureAwait(false);
            _limits.Remove(remote.Address);
        }
    }

    /// <summary>Whether the client's first byte opens a TLS handshake (read without taking it off the stream).</summary>
    private async Task<bool> StartsWithTlsAsync(Socket connection)
    {
        var first = new byte[1];
        int read = await connection.ReceiveAsync(first, SocketFlags.Peek, _stop.Token).ConfigureAwait(false);
        return read == 1 && first[0] == TlsHandshake;
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
