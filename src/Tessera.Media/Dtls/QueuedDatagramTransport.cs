using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace Tessera.Media.Dtls;

/// <summary>
/// Adapts a push-style datagram source (the ICE/UDP demultiplexer) to BouncyCastle's blocking
/// <see cref="DatagramTransport"/>: datagrams are queued by <see cref="Deliver"/> and taken by the
/// DTLS thread; outgoing datagrams go to the send callback.
/// </summary>
public sealed class QueuedDatagramTransport : DatagramTransport
{
    /// <summary>Keeps DTLS records within a conservative path MTU.</summary>
    public const int SendLimit = 1150;
    private const int MaxQueued = 256;

    private readonly BlockingCollection<byte[]> _incoming = new(new ConcurrentQueue<byte[]>(), MaxQueued);
    private readonly Action<ReadOnlyMemory<byte>> _send;
    private volatile bool _closed;

    public QueuedDatagramTransport(Action<ReadOnlyMemory<byte>> send) => _send = send;

    public bool IsClosed => _closed;

    /// <summary>Whether a received datagram is waiting to be read.</summary>
    public bool HasQueued => _incoming.Count > 0;

    /// <summary>Queues one received datagram; dropped when the queue is full or the transport closed.</summary>
    public void Deliver(ReadOnlySpan<byte> datagram)
    {
        if (_closed)
            return;
        try
        {
            _incoming.TryAdd(datagram.ToArray());
        }
        catch (InvalidOperationException)
        {
            // completed concurrently by Close
        }
    }

    public int GetReceiveLimit() => 1500;
    public int GetSendLimit() => SendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        if (_closed)
            throw new ObjectDisposedException(nameof(QueuedDatagramTransport));
        try
        {
            // BouncyCastle's contract: a wait of zero means no time limit.
            if (!_incoming.TryTake(out var datagram, waitMillis == 0 ? Timeout.Infinite : Math.Max(0, waitMillis)))
                return _closed ? throw new ObjectDisposedException(nameof(QueuedDatagramTransport)) : -1;
            int n = Math.Min(buffer.Length, datagram.Length);
            datagram.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(QueuedDatagramTransport));
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (_closed)
            return;
        _send(buffer.ToArray());
    }

    public void Close()
    {
        _closed = true;
        _incoming.CompleteAdding();
    }
}
