using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Diagnostics;
using Tessera.Media.Transport;

namespace Tessera.Bench.SfuFloor;

/// <summary>
/// The receivers: one UDP socket per down stream, all watched by one epoll thread
/// (<see cref="SocketPoller"/>) that drains each ready socket with <c>recvmmsg</c> and only looks
/// at the clear RTP header: no decryption. A packet counts when its send stamp (the RTP
/// timestamp, kept by the forwarder) lies in the measured window; its latency is taken with one
/// clock read per drained batch.
/// </summary>
internal sealed class Sinks : IDisposable
{
    private const int BucketMicroseconds = 10;
    private readonly Socket[] _sockets;
    private readonly IDisposable[] _registrations;
    private readonly SocketPoller _poller;
    private readonly DatagramReader _reader = DatagramReader.TryCreate() ?? throw new PlatformNotSupportedException("recvmmsg is needed");
    private readonly long[] _latency = new long[100_000 + 1]; // 10 µs buckets up to 1 s, then one overflow bucket
    private uint _windowStart, _windowEnd;
    private volatile bool _measuring;
    private long _received, _total;

    public Sinks(int count)
    {
        _poller = SocketPoller.TryCreate("sinks", null, NullLogger.Instance, new LogThrottle())
            ?? throw new PlatformNotSupportedException("epoll is needed");
        _sockets = new Socket[count];
        _registrations = new IDisposable[count];
        for (int i = 0; i < count; i++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _sockets[i] = s;
            _registrations[i] = _poller.Add(s, new Target(this, s));
        }
    }

    public IEnumerable<int> Ports => _sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port);

    /// <summary>Packets received with a stamp in the window.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Packets received since the start.</summary>
    public long Total => Interlocked.Read(ref _total);

    public void OpenWindow(uint start)
    {
        _windowStart = start;
        _windowEnd = start + int.MaxValue;
        _measuring = true;
    }

    public void CloseWindow(uint end) => _windowEnd = end;

    /// <summary>Stops counting (after the drain): later arrivals change nothing.</summary>
    public void StopMeasuring() => _measuring = false;

    public double Percentile(double p)
    {
        long total = _latency.Sum();
        long seen = 0;
        for (int i = 0; i < _latency.Length; i++)
        {
            seen += _latency[i];
            if (total > 0 && seen >= p * total)
                return (i + 0.5) * BucketMicroseconds;
        }
        return double.NaN;
    }

    // Only the poller thread calls this.
    private void Drain(Socket socket)
    {
        while (true)
        {
            int n = _reader.Receive(socket, out _);
            if (n <= 0)
                return; // EAGAIN: the socket is empty
            uint now = Clock.Microseconds();
            Interlocked.Add(ref _total, n);
            if (!_measuring)
                continue;
            int counted = 0;
            for (int i = 0; i < n; i++)
            {
                var packet = _reader.Datagram(i);
                if (packet.Length < 12)
                    continue;
                uint stamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
                if (!Clock.Within(stamp, _windowStart, _windowEnd))
                    continue;
                counted++;
                _latency[Math.Min((int)((now - stamp) / BucketMicroseconds), _latency.Length - 1)]++;
            }
            Interlocked.Add(ref _received, counted);
            if (n < DatagramReader.Capacity)
                return;
        }
    }

    public void Dispose()
    {
        foreach (var r in _registrations)
            r.Dispose();
        _poller.Dispose();
        foreach (var s in _sockets)
            s.Dispose();
        _reader.Dispose();
    }

    private sealed class Target(Sinks sinks, Socket socket) : IPollTarget
    {
        public void OnReadable(byte[] scratch) => sinks.Drain(socket);
    }
}
