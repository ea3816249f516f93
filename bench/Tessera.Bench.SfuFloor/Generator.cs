using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tessera.Media.Srtp;

namespace Tessera.Bench.SfuFloor;

/// <summary>
/// The publishers: one UDP socket each, sending 50 audio packets/s of 100 B and VP8-shaped video in
/// 1,100 B packets at the chosen bitrate (as bench/Tessera.Bench.Sfu's publishers do), each with a
/// one-byte MID header extension and SRTP-protected with the publisher's key. The RTP timestamp
/// carries the send time (<see cref="Clock"/>), which the sinks read from the clear header.
/// </summary>
internal sealed class Generator : IDisposable
{
    public const int AudioPacketsPerSecond = 50;
    public const int AudioPacketSize = 100;
    public const int VideoPacketSize = 1100;
    private const int HeaderLength = 12 + 8; // fixed header + one-byte extension block holding the MID
    private const int KeyframeIntervalSeconds = 3;

    private readonly Socket[] _sockets;
    private readonly SrtpContext[] _contexts;
    private readonly ushort[] _sequences;
    private readonly long[] _audioSent, _videoSent;
    private readonly double _videoPacketsPerSecond;
    private readonly SocketAddress _forwarder;
    private readonly byte[] _buffer = new byte[HeaderLength + VideoPacketSize + 16];
    private readonly Thread _thread;
    private volatile bool _running = true;
    private long _startTicks;
    private uint _windowStart, _windowEnd;
    private volatile bool _windowOpen;
    private long _inWindow, _sent;

    public Generator(int publishers, int videoBitrate, int forwarderPort)
    {
        _sockets = Enumerable.Range(0, publishers).Select(_ =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return s;
        }).ToArray();
        _contexts = Enumerable.Range(0, publishers).Select(p => Streams.Context(upstream: true, p)).ToArray();
        _sequences = new ushort[publishers * 2];
        _audioSent = new long[publishers];
        _videoSent = new long[publishers];
        _videoPacketsPerSecond = videoBitrate / 8.0 / VideoPacketSize;
        _forwarder = new IPEndPoint(IPAddress.Loopback, forwarderPort).Serialize();
        _thread = new Thread(Loop) { IsBackground = true, Name = "publishers", Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>Packets sent so far, all publishers.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Packets sent with a stamp inside the last window.</summary>
    public long SentInWindow => Interlocked.Read(ref _inWindow);

    public void Start()
    {
        _startTicks = Stopwatch.GetTimestamp();
        _thread.Start();
    }

    /// <summary>Counts packets stamped from <paramref name="start"/> (µs, <see cref="Clock"/>) until <see cref="CloseWindow"/>.</summary>
    public void OpenWindow(uint start)
    {
        _windowStart = start;
        _windowEnd = start + int.MaxValue;
        Interlocked.Exchange(ref _inWindow, 0);
        _windowOpen = true;
    }

    public void CloseWindow(uint end) => _windowEnd = end;

    private void Loop()
    {
        while (_running)
        {
            double elapsed = Stopwatch.GetElapsedTime(_startTicks).TotalSeconds;
            for (int p = 0; p < _sockets.Length; p++)
            {
                while (_audioSent[p] < elapsed * AudioPacketsPerSecond)
                {
                    _audioSent[p]++;
                    Send(p, Streams.Audio, AudioPacketSize, keyframe: false);
                }
                while (_videoSent[p] < elapsed * _videoPacketsPerSecond)
                {
                    long n = _videoSent[p]++;
                    bool keyframe = n % (long)Math.Max(1, _videoPacketsPerSecond * KeyframeIntervalSeconds) == 0;
                    Send(p, Streams.Video, VideoPacketSize, keyframe);
                }
            }
            Thread.Sleep(2);
        }
    }

    private void Send(int publisher, byte kind, int payloadSize, bool keyframe)
    {
        var b = _buffer.AsSpan();
        b[0] = 0x90; // version 2, extension
        b[1] = (byte)((kind == Streams.Video ? 96 : 111) | 0x80); // payload type, marker
        BinaryPrimitives.WriteUInt16BigEndian(b[2..], ++_sequences[publisher * 2 + kind]);
        uint stamp = Clock.Microseconds();
        BinaryPrimitives.WriteUInt32BigEndian(b[4..], stamp);
        BinaryPrimitives.WriteUInt32BigEndian(b[8..], Streams.PublisherSsrc(publisher, kind));
        BinaryPrimitives.WriteUInt16BigEndian(b[12..], 0xBEDE); // one-byte header extensions (RFC 8285)
        BinaryPrimitives.WriteUInt16BigEndian(b[14..], 1);
        b[16] = 0x10; // id 1 (MID), one byte
        b[17] = (byte)('0' + kind);
        b[18] = b[19] = 0;
        var payload = b.Slice(HeaderLength, payloadSize);
        payload.Fill(0x5A);
        if (kind == Streams.Video)
        {
            payload[0] = 0x10; // VP8 descriptor: S=1, PID=0
            payload[1] = keyframe ? (byte)0x00 : (byte)0x01; // frame tag: P bit 0 = keyframe
        }
        else
        {
            payload[0] = 0x78; // an Opus TOC byte
        }
        int length = _contexts[publisher].ProtectRtp(b, HeaderLength + payloadSize);
        _sockets[publisher].SendTo(b[..length], SocketFlags.None, _forwarder);
        Interlocked.Increment(ref _sent);
        if (_windowOpen && Clock.Within(stamp, _windowStart, _windowEnd))
            Interlocked.Increment(ref _inWindow);
    }

    public void Dispose()
    {
        _running = false;
        _thread.Join();
        foreach (var s in _sockets)
            s.Dispose();
    }
}
