using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Tessera.Bench.Sfu;

/// <summary>A synthetic camera: one up stream carrying opus-sized audio and VP8-shaped video.</summary>
internal sealed class Publisher : IAsyncDisposable
{
    public const int AudioPacketsPerSecond = 50;
    public const int AudioPacketSize = 100;
    public const int VideoPacketSize = 1100;
    private const double KeyframeIntervalSeconds = 3;

    private readonly int _index;
    private readonly SignallingClient _signalling = new();
    private readonly MediaPeer _peer = new();
    private readonly uint _audioSsrc, _videoSsrc;
    private readonly BenchPayload.Template _audio, _video;
    private readonly double _videoPacketsPerSecond;
    private readonly TaskCompletionSource<string> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private uint _audioSent, _videoSent;
    private long _startTicks, _nextTrickle;
    private uint _audioBase, _videoBase;
    private volatile bool _fullRate;
    private long _windowStart = long.MaxValue, _windowEnd = long.MaxValue, _sentInWindow;

    public Publisher(int index, int videoBitrate)
    {
        _index = index;
        _audioSsrc = 0x1000_0000u + (uint)index * 2;
        _videoSsrc = _audioSsrc + 1;
        _videoPacketsPerSecond = videoBitrate / 8.0 / VideoPacketSize;
        _audio = new BenchPayload.Template(index, BenchPayload.Audio, _audioSsrc, PublisherOffer.OpusPayloadType, AudioPacketSize, "0");
        _video = new BenchPayload.Template(index, BenchPayload.Video, _videoSsrc, PublisherOffer.Vp8PayloadType, VideoPacketSize, "1");
    }

    /// <summary>Packets stamped inside the window of the last <see cref="OpenWindow"/>.</summary>
    public long SentInWindow => Interlocked.Read(ref _sentInWindow);

    /// <summary>Counts the packets whose send stamp falls in [start, end), as the receivers do.</summary>
    public void OpenWindow(long startTicks, long endTicks)
    {
        Interlocked.Exchange(ref _sentInWindow, 0);
        (_windowStart, _windowEnd) = (startTicks, endTicks);
    }

    /// <summary>Full rate from now on: nothing is owed for the time spent connecting.</summary>
    public void Begin()
    {
        (_audioBase, _videoBase, _startTicks) = (_audioSent, _videoSent, Stopwatch.GetTimestamp());
        _fullRate = true;
    }
    public double PacketsPerSecond => AudioPacketsPerSecond + _videoPacketsPerSecond;

    public async Task StartAsync(Uri endpoint, CancellationToken cancel)
    {
        _signalling.OnMessage = m =>
        {
            if ((string?)m["type"] == "answer")
                _answer.TrySetResult((string)m["sdp"]!);
            else if ((string?)m["type"] is "abort" or "error" or "usermessage")
                Console.Error.WriteLine($"publisher {_index}: {m.ToJsonString()}");
            return Task.CompletedTask;
        };
        await _signalling.JoinAsync(endpoint, ServerProcess.Group, $"pub{_index}", cancel);
        await _signalling.SendAsync(new JsonObject
        {
            ["type"] = "offer", ["id"] = $"up{_index}", ["label"] = "camera", ["source"] = _signalling.Id,
            ["username"] = $"pub{_index}", ["sdp"] = PublisherOffer.Build(_peer, _audioSsrc, _videoSsrc),
        });
        string answer = await _answer.Task.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        await _peer.ConnectAsync(answer, cancel);
    }

    /// <summary>
    /// Sends whatever is due by now (called from the single sender thread). Until <see cref="Begin"/>,
    /// one packet per track and second: enough for the server to offer the tracks to subscribers
    /// (it offers a track once media has arrived on it) without loading the machine while they connect.
    /// </summary>
    public void SendDue()
    {
        if (!_fullRate)
        {
            long now = Stopwatch.GetTimestamp();
            if (now < _nextTrickle)
                return;
            _nextTrickle = now + Stopwatch.Frequency;
            SendAudio();
            SendVideo();
            return;
        }
        double elapsed = Stopwatch.GetElapsedTime(_startTicks).TotalSeconds;
        while (_audioSent - _audioBase < elapsed * AudioPacketsPerSecond)
            SendAudio();
        while (_videoSent - _videoBase < elapsed * _videoPacketsPerSecond)
            SendVideo();
    }

    private void SendAudio()
    {
        uint n = _audioSent++;
        _peer.SendRtp(_audio.Next((ushort)n, n * 960, n, false, Stamp()));
    }

    private void SendVideo()
    {
        uint n = _videoSent++;
        bool keyframe = n % (uint)Math.Max(1, _videoPacketsPerSecond * KeyframeIntervalSeconds) == 0;
        uint timestamp = (uint)(n * 90000 / _videoPacketsPerSecond);
        _peer.SendRtp(_video.Next((ushort)n, timestamp, n, keyframe, Stamp()));
    }

    private long Stamp()
    {
        long now = Stopwatch.GetTimestamp();
        if (now >= _windowStart && now < _windowEnd)
            Interlocked.Increment(ref _sentInWindow);
        return now;
    }

    public async ValueTask DisposeAsync()
    {
        await _signalling.DisposeAsync();
        _peer.Dispose();
    }
}
