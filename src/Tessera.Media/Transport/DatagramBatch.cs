using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tessera.Media.Transport;

/// <summary>
/// Outgoing datagrams collected while the receive thread handles one incoming datagram (one video
/// packet fans out to every receiver), then handed to the kernel with a single <c>sendmmsg(2)</c>.
/// One system call per batch instead of per datagram is most of what a forwarded packet costs.
/// Used by one thread only; elsewhere than on Linux it is never enabled and callers send directly.
/// </summary>
internal sealed unsafe class DatagramBatch : IDisposable
{
    public const int Capacity = 64;
    public const int MaxDatagram = 2048;
    private const int MaxAddress = 32; // sockaddr_in6 is 28 bytes

    private readonly MessageSlots _slots = new(Capacity, MaxDatagram, MaxAddress);
    private int _count;

    private DatagramBatch()
    {
    }

    /// <summary>A batch when this platform has <c>sendmmsg</c>; null otherwise.</summary>
    public static DatagramBatch? TryCreate() =>
        OperatingSystem.IsLinux() && IntPtr.Size == 8 && Probe() ? new DatagramBatch() : null;

    public int Count => _count;

    /// <summary>Copies a datagram into the batch; false when it is full or the datagram does not fit a slot.</summary>
    public bool TryAdd(ReadOnlySpan<byte> datagram, SocketAddress remote)
    {
        if (datagram.Length > MaxDatagram || !TryReserve(remote, out var slot))
            return false;
        datagram.CopyTo(slot);
        Commit(datagram.Length);
        return true;
    }

    /// <summary>
    /// The next free slot (<see cref="MaxDatagram"/> bytes), addressed to <paramref name="remote"/>,
    /// for a caller that writes its datagram there itself rather than copying it in (SRTP protect
    /// writes its output straight into the slot). It joins the batch only on <see cref="Commit"/>;
    /// a slot not committed is reused by the next reservation. False when the batch is full.
    /// </summary>
    public bool TryReserve(SocketAddress remote, out Span<byte> slot)
    {
        if (_count == Capacity || remote.Size > MaxAddress)
        {
            slot = default;
            return false;
        }
        remote.Buffer.Span[..remote.Size].CopyTo(_slots.Address(_count));
        _slots.Headers[_count].NameLength = (uint)remote.Size;
        slot = _slots.Data(_count);
        return true;
    }

    /// <summary>Adds the slot last reserved, holding <paramref name="length"/> bytes, to the batch.</summary>
    public void Commit(int length)
    {
        if (_count == Capacity || (uint)length > MaxDatagram)
            throw new InvalidOperationException("Commit without a reserved slot, or a datagram longer than the slot.");
        _slots.Vectors[_count].Length = (nuint)length;
        _count++;
    }

    /// <summary>The errno of the last datagram the kernel refused.</summary>
    public int LastError { get; private set; }

    /// <summary>
    /// Sends everything queued. A datagram the kernel refuses (unreachable, no buffer) is dropped
    /// like any lost packet; returns how many were (<see cref="LastError"/> says why).
    /// </summary>
    public int Flush(Socket socket)
    {
        if (_count == 0 || _slots.IsDisposed)
            return 0;
        int dropped = 0;
        bool added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added);
            int fd = (int)socket.SafeHandle.DangerousGetHandle();
            int sent = 0;
            while (sent < _count)
            {
                int n = SendMessages(fd, _slots.Headers + sent, (uint)(_count - sent), 0);
                if (n > 0)
                {
                    sent += n;
                    continue;
                }
                int error = Marshal.GetLastPInvokeError();
                if (error == Interrupted)
                    continue;
                sent++; // the first remaining datagram failed: skip it, keep the rest
                dropped++;
                LastError = error;
            }
        }
        catch (ObjectDisposedException)
        {
            // socket closed under us: the endpoint is shutting down
        }
        finally
        {
            if (added)
                socket.SafeHandle.DangerousRelease();
            _count = 0;
        }
        return dropped;
    }

    public void Dispose() => _slots.Dispose();

    private const int Interrupted = 4; // EINTR

    private static bool Probe()
    {
        try
        {
            // A zero-length call on an invalid descriptor: EBADF proves the entry point exists.
            SendMessages(-1, null, 0, 0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static extern int SendMessages(int socket, MessageHeader* messages, uint count, int flags);
}
