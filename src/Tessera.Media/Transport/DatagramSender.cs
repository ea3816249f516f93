using System.Net;
using System.Net.Sockets;

namespace Tessera.Media.Transport;

/// <summary>
/// Sends on the multiplexer's socket. A datagram goes straight to the socket, unless the sending
/// thread holds an open <see cref="BatchScope"/> of this sender: then it joins a
/// <see cref="DatagramBatch"/> that leaves in one system call when the scope closes. The receive
/// loop opens a scope around each datagram it handles, so the fan-out of one packet to every
/// receiver goes out together; report timers and DTLS threads send directly. Thread-safe.
/// </summary>
internal sealed class DatagramSender : IDisposable
{
    private readonly Socket _socket;
    private readonly DatagramBatch? _batch;
    private int _batchHeld; // 1 while a scope holds the batch: the batch is for one thread at a time

    public DatagramSender(Socket socket)
    {
        _socket = socket;
        _batch = DatagramBatch.TryCreate();
    }

    /// <summary>
    /// Opens a scope on the calling thread: what this thread sends through this sender until the
    /// scope is disposed leaves together at that point. Where batching is unavailable, or another
    /// scope already holds the batch, the scope does nothing and sends go out directly.
    /// </summary>
    public BatchScope BeginBatch() =>
        _batch is not null && Interlocked.CompareExchange(ref _batchHeld, 1, 0) == 0 ? new BatchScope(this) : default;

    /// <summary>Called by the scope that held the batch when it closes, on the thread that opened it.</summary>
    internal void EndBatch()
    {
        try
        {
            _batch!.Flush(_socket);
        }
        finally
        {
            Volatile.Write(ref _batchHeld, 0);
        }
    }

    public void SendTo(ReadOnlySpan<byte> datagram, SocketAddress remote)
    {
        if (BatchScope.IsOpenOnThisThread(this))
        {
            var batch = _batch!;
            if (batch.TryAdd(datagram, remote))
                return;
            batch.Flush(_socket);
            if (batch.TryAdd(datagram, remote))
                return;
        }
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, remote);
        }
        catch (SocketException)
        {
            // UDP send errors (unreachable, buffer full) are equivalent to loss
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Frees the batch; only once no scope can be open any more (the receive thread has ended).</summary>
    public void Dispose() => _batch?.Dispose();
}
