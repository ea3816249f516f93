using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;

namespace Tessera.Media.Transport;

/// <summary>A socket's owner, told by a <see cref="SocketPoller"/> that the socket has a datagram to read.</summary>
internal interface IPollTarget
{
    /// <summary>
    /// Reads (at most a few) datagrams from the socket without blocking, on the poller's thread.
    /// <paramref name="scratch"/> is the thread's buffer, large enough for any datagram plus
    /// <see cref="SocketPoller.Headroom"/> bytes in front; it is reused for the next target.
    /// </summary>
    void OnReadable(byte[] scratch);
}

/// <summary>
/// One thread of our own waiting on many non-blocking sockets with epoll(7): a datagram on any of
/// them costs one wake-up of that thread, not a hand-off from .NET's socket engine to a thread-pool
/// worker per socket (the TURN relay's profile: more context switches than packets). What the
/// targets send through <paramref name="batching"/> while handling one round of readiness leaves in
/// one <c>sendmmsg</c> (a <see cref="BatchScope"/> around the round). Linux only: elsewhere
/// <see cref="TryCreate"/> gives null and callers read as they did before.
/// </summary>
internal sealed unsafe class SocketPoller : IDisposable
{
    /// <summary>Bytes free in front of the scratch buffer: a TURN ChannelData header goes there, so relayed data is not copied.</summary>
    public const int Headroom = 4;
    private const int MaxEvents = 64;
    private const uint EpollIn = 0x001;
    private const int EpollCtlAdd = 1, EpollCtlDel = 2;
    private const int CloseOnExec = 0x80000, NonBlocking = 0x800; // EPOLL_CLOEXEC = EFD_CLOEXEC, EFD_NONBLOCK
    private const ulong WakeId = 0;
    // struct epoll_event is packed (12 bytes) on x86-64 and naturally aligned (16 bytes) elsewhere.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private readonly int _epoll;
    private readonly int _wake; // an eventfd written on dispose, so the thread needs no timeout to notice
    private readonly ConcurrentDictionary<ulong, IPollTarget> _targets = new();
    private readonly DatagramSender? _batching;
    private readonly ILogger _logger;
    private readonly LogThrottle _throttle;
    private readonly Thread _thread;
    private long _nextId;
    private volatile bool _stopping;
    private int _disposed;

    private SocketPoller(int epoll, int wake, DatagramSender? batching, ILogger logger, LogThrottle throttle, string name)
    {
        _epoll = epoll;
        _wake = wake;
        _batching = batching;
        _logger = logger;
        _throttle = throttle;
        Control(EpollCtlAdd, wake, WakeId);
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>A poller with its thread started; null where epoll is unavailable.</summary>
    public static SocketPoller? TryCreate(string threadName, DatagramSender? batching, ILogger logger, LogThrottle throttle)
    {
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8)
            return null;
        int epoll, wake;
        try
        {
            epoll = EpollCreate(CloseOnExec);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        if (epoll < 0)
            return null;
        wake = EventFd(0, CloseOnExec | NonBlocking);
        if (wake < 0)
        {
            Close(epoll);
            return null;
        }
        return new SocketPoller(epoll, wake, batching, logger, throttle, threadName);
    }

    /// <summary>
    /// Makes <paramref name="socket"/> non-blocking and watches it until the registration is
    /// disposed, which the owner does before it closes the socket.
    /// </summary>
    public IDisposable Add(Socket socket, IPollTarget target)
    {
        socket.Blocking = false;
        int fd = (int)socket.Handle;
        ulong id = (ulong)Interlocked.Increment(ref _nextId);
        _targets[id] = target;
        if (!Control(EpollCtlAdd, fd, id))
        {
            _targets.TryRemove(id, out _);
            throw new SocketException(Marshal.GetLastPInvokeError());
        }
        return new Registration(this, fd, id);
    }

    private void Remove(int fd, ulong id)
    {
        // An id is never reused: an event already returned for a socket closed meanwhile (its
        // descriptor perhaps reused by a new socket) finds no target and is skipped.
        _targets.TryRemove(id, out _);
        if (Volatile.Read(ref _disposed) == 0)
            Control(EpollCtlDel, fd, id); // fails harmlessly when the socket is closed already
    }

    private bool Control(int operation, int fd, ulong id)
    {
        byte* ev = stackalloc byte[16];
        Unsafe.WriteUnaligned(ev, EpollIn);
        Unsafe.WriteUnaligned(ev + 4, id);
        return EpollCtl(_epoll, operation, fd, ev) == 0;
    }

    private void Run()
    {
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EventSize));
        var scratch = new byte[Headroom + 65536];
        try
        {
            while (!_stopping)
            {
                int n = EpollWait(_epoll, events, MaxEvents, -1);
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Interrupted)
                        continue;
                    _logger.LogError("epoll_wait failed: {Error}", Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
                    return;
                }
                using var batch = _batching is null ? default : _batching.BeginBatch();
                for (int i = 0; i < n; i++)
                {
                    ulong id = Unsafe.ReadUnaligned<ulong>(events + i * EventSize + 4);
                    if (id == WakeId || !_targets.TryGetValue(id, out var target))
                        continue;
                    try
                    {
                        target.OnReadable(scratch);
                    }
                    catch (Exception e)
                    {
                        // One bad datagram or a faulty handler must not stop every socket on this thread.
                        _throttle.Log(_logger, LogLevel.Error, LogThrottle.CauseOf(e), e, "Handling a readable socket failed");
                    }
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stopping = true;
        ulong one = 1;
        Write(_wake, &one, sizeof(ulong));
        bool stopped = Thread.CurrentThread == _thread || _thread.Join(TimeSpan.FromSeconds(5));
        if (stopped)
        {
            // otherwise leaked rather than closed under a running epoll_wait
            Close(_wake);
            Close(_epoll);
        }
        _targets.Clear();
    }

    private sealed class Registration(SocketPoller poller, int fd, ulong id) : IDisposable
    {
        private int _removed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _removed, 1) == 0)
                poller.Remove(fd, id);
        }
    }

    private const int Interrupted = 4; // EINTR

    [DllImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static extern int EpollCreate(int flags);

    [DllImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static extern int EpollCtl(int epoll, int operation, int fd, byte* ev);

    [DllImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static extern int EpollWait(int epoll, byte* events, int maxEvents, int timeout);

    [DllImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static extern int EventFd(uint initial, int flags);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint Write(int fd, void* buffer, nuint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
