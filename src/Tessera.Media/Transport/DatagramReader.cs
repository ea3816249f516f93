using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tessera.Media.Transport;

/// <summary>
/// Reads every datagram already queued on a blocking socket with one <c>recvmmsg(2)</c>, waiting
/// only for the first: one wake-up of the receive thread then handles them all, and what they send
/// leaves in one batch. Used by one thread only; elsewhere than on Linux it is never enabled and
/// the caller receives one datagram at a time.
/// </summary>
internal sealed unsafe class DatagramReader : IDisposable
{
    public const int Capacity = 16;
    public const int MaxDatagram = 2048; // as before: a larger datagram is no media of ours
    private const int MaxAddress = 128; // sockaddr_storage
    private const int WaitForOne = 0x10000; // MSG_WAITFORONE
    private const int Truncated = 0x20; // MSG_TRUNC
    private const int Interrupted = 4; // EINTR

    private readonly MessageSlots _slots = new(Capacity, MaxDatagram, MaxAddress);

    private DatagramReader()
    {
    }

    /// <summary>A reader when this platform has <c>recvmmsg</c>; null otherwise.</summary>
    public static DatagramReader? TryCreate() =>
        OperatingSystem.IsLinux() && IntPtr.Size == 8 && Probe() ? new DatagramReader() : null;

    /// <summary>
    /// Waits for a datagram, then takes it and every one queued behind it (up to
    /// <see cref="Capacity"/>). Returns how many, 0 when the socket was shut down or closed, or -1
    /// with <paramref name="error"/> set when the call failed.
    /// </summary>
    public int Receive(Socket socket, out int error)
    {
        error = 0;
        for (int i = 0; i < Capacity; i++)
        {
            _slots.Vectors[i].Length = MaxDatagram;
            _slots.Headers[i].NameLength = MaxAddress;
            _slots.Headers[i].Flags = 0;
        }
        bool added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added);
            int fd = (int)socket.SafeHandle.DangerousGetHandle();
            while (true)
            {
                int n = ReceiveMessages(fd, _slots.Headers, Capacity, WaitForOne, null);
                if (n >= 0)
                    return n;
                error = Marshal.GetLastPInvokeError();
                if (error != Interrupted)
                    return -1;
            }
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
        finally
        {
            // Released after every call: closing the socket waits for this, then shuts it down to wake us.
            if (added)
                socket.SafeHandle.DangerousRelease();
        }
    }

    /// <summary>Whether datagram <paramref name="index"/> of the last receive was longer than a slot (and so cut).</summary>
    public bool WasTruncated(int index) => (_slots.Headers[index].Flags & Truncated) != 0;

    /// <summary>Datagram <paramref name="index"/> of the last receive; valid until the next one.</summary>
    public Span<byte> Datagram(int index) => _slots.Data(index)[..(int)Math.Min(_slots.Headers[index].Length, MaxDatagram)];

    /// <summary>Copies the source of datagram <paramref name="index"/> into <paramref name="source"/> (no allocation).</summary>
    public void CopySource(int index, SocketAddress source)
    {
        int size = (int)Math.Min(_slots.Headers[index].NameLength, (uint)source.Buffer.Length);
        _slots.Address(index)[..size].CopyTo(source.Buffer.Span);
        source.Size = size;
    }

    public void Dispose() => _slots.Dispose();

    private static bool Probe()
    {
        try
        {
            // A zero-length call on an invalid descriptor: EBADF proves the entry point exists.
            ReceiveMessages(-1, null, 0, 0, null);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static extern int ReceiveMessages(int socket, MessageHeader* messages, uint count, int flags, void* timeout);
}
