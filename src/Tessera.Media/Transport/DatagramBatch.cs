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
        if (_count == Capacity || datagram.Length > MaxDatagram || remote.Size > MaxAddress)
            return false;
        int i = _count++;
        datagram.CopyTo(_slots.Data(i));
        remote.Buffer.Span[..remote.Size].CopyTo(_slots.Address(i));
        _slots.Vectors[i].Length = (nuint)datagram.Length;
        _slots.Headers[i].NameLength = (uint)remote.Size;
        return true;
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
