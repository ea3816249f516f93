using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Tessera.Media.Ice;

namespace Tessera.Media.Transport;

/// <summary>
/// One browser's ICE-TCP connection (RFC 6544), framed as RFC 4571 says: each packet preceded by
/// its 16-bit length. Sending never blocks the caller (the media receive thread forwards to every
/// receiver): packets wait in a queue bounded in bytes that a writer task drains, and when a
/// browser does not read fast enough the queue overflows and packets are dropped, as UDP would
/// lose them.
/// </summary>
internal sealed class IceTcpConnection
{
    /// <summary>Bytes queued for one connection at most (about a second of a high-rate video stream).</summary>
    public const int MaxQueuedBytes = 1 << 20;

    private readonly Socket _socket;
    private readonly Channel<(byte[] Frame, int Length)> _queue =
        Channel.CreateUnbounded<(byte[], int)>(new UnboundedChannelOptions { SingleReader = true });
    private int _queuedBytes;
    private long _dropped;

    public IceTcpConnection(Socket socket, IPEndPoint remote)
    {
        _socket = socket;
        Remote = remote;
    }

    public IPEndPoint Remote { get; }

    /// <summary>The agent whose check this connection passed; null until one did.</summary>
    public IceLiteAgent? Agent { get; set; }

    /// <summary>Packets dropped because the browser was not reading (diagnostics).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues one framed packet; false when it was dropped (queue full, or the connection gone).</summary>
    public bool Send(ReadOnlySpan<byte> packet)
    {
        int length = 2 + packet.Length;
        if (Interlocked.Add(ref _queuedBytes, length) > MaxQueuedBytes)
        {
            Interlocked.Add(ref _queuedBytes, -length);
            Interlocked.Increment(ref _dropped);
            return false;
        }
        var frame = ArrayPool<byte>.Shared.Rent(length);
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)packet.Length);
        packet.CopyTo(frame.AsSpan(2));
        if (_queue.Writer.TryWrite((frame, length)))
            return true;
        ArrayPool<byte>.Shared.Return(frame);
        Interlocked.Add(ref _queuedBytes, -length);
        return false;
    }

    /// <summary>Writes queued packets until the connection closes.</summary>
    public async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (frame, length) in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    int sent = 0;
                    while (sent < length)
                        sent += await _socket.SendAsync(frame.AsMemory(sent, length - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(frame);
                    Interlocked.Add(ref _queuedBytes, -length);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the connection is gone; the reader notices too
        }
        finally
        {
            Complete();
        }
    }

    /// <summary>No more sends; what is queued is freed.</summary>
    public void Complete()
    {
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var item))
        {
            ArrayPool<byte>.Shared.Return(item.Frame);
            Interlocked.Add(ref _queuedBytes, -item.Length);
        }
    }

    /// <summary>RFC 4571: a 16-bit length, then that many bytes.</summary>
    public static int FrameLength(ReadOnlySpan<byte> buffered) =>
        buffered.Length < 2 ? 0 : 2 + BinaryPrimitives.ReadUInt16BigEndian(buffered);
}
