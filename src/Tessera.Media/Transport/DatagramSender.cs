using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Diagnostics;

namespace Tessera.Media.Transport;

/// <summary>
/// Sends on the multiplexer's socket. A datagram goes straight to the socket, unless the sending
/// thread holds an open <see cref="BatchScope"/> of this sender: then it joins a
/// <see cref="DatagramBatch"/> that leaves in one system call when the scope closes. The receive
/// loop opens a scope around each datagram it handles, so the fan-out of one packet to every
/// receiver goes out together; report timers and DTLS threads send directly. Thread-safe.
/// A datagram the socket refuses is lost like any UDP datagram; it is counted and logged at Debug.
/// </summary>
internal sealed class DatagramSender : IDisposable
{
    private readonly Socket _socket;
    private readonly DatagramBatch? _batch;
    private int _batchHeld; // 1 while a scope holds the batch: the batch is for one thread at a time
    private readonly ILogger _logger;
    private readonly LogThrottle _throttle;
    private long _errors;

    public DatagramSender(Socket socket, ILogger? logger = null, LogThrottle? throttle = null)
    {
        _socket = socket;
        _batch = DatagramBatch.TryCreate();
        _logger = logger ?? NullLogger.Instance;
        _throttle = throttle ?? new LogThrottle();
    }

    /// <summary>Datagrams the socket refused (unreachable, no buffer space, ...).</summary>
    public long Errors => Interlocked.Read(ref _errors);

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
            Flush(_batch!);
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
            Flush(batch);
            if (batch.TryAdd(datagram, remote))
                return;
        }
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, remote);
        }
        catch (SocketException e)
        {
            // UDP send errors (unreachable, buffer full) are equivalent to loss
            Interlocked.Increment(ref _errors);
            _throttle.Log(_logger, LogLevel.Debug, "send " + e.SocketErrorCode, null, "UDP send failed: {Error}", e.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
            // the multiplexer is shutting down
        }
    }

    /// <summary>
    /// Reserves the next slot of the batch that this thread's open scope holds, for a datagram to
    /// <paramref name="remote"/> that the caller writes there itself (<see cref="Commit"/> adds it);
    /// false when no scope of this sender is open on this thread: then use <see cref="SendTo"/>.
    /// </summary>
    public bool TryReserve(SocketAddress remote, out Span<byte> slot)
    {
        slot = default;
        if (!BatchScope.IsOpenOnThisThread(this))
            return false;
        var batch = _batch!;
        if (batch.TryReserve(remote, out slot))
            return true;
        Flush(batch);
        return batch.TryReserve(remote, out slot);
    }

    /// <summary>Adds the slot this thread last reserved, holding <paramref name="length"/> bytes, to the batch.</summary>
    public void Commit(int length) => _batch!.Commit(length);

    private void Flush(DatagramBatch batch)
    {
        int dropped = batch.Flush(_socket);
        if (dropped == 0)
            return;
        Interlocked.Add(ref _errors, dropped);
        int error = batch.LastError;
        _throttle.Log(_logger, LogLevel.Debug, "sendmmsg " + error, null, "UDP send failed for {Count} batched datagram(s): {Error}",
            dropped, Marshal.GetPInvokeErrorMessage(error));
    }

    /// <summary>Frees the batch; only once no scope can be open any more (the receive thread has ended).</summary>
    public void Dispose() => _batch?.Dispose();
}
