using System.Diagnostics;

namespace Tessera.Bench.Sfu;

/// <summary>What one worker's subscribers saw during the measured window: counts, gaps, latency histogram.</summary>
internal sealed class Recorder
{
    private readonly long[] _histogram = new long[WorkerReport.Buckets + 1];
    private volatile bool _measuring;
    private long _received;
    private long _windowStart = long.MaxValue, _windowEnd = long.MaxValue;

    public bool Measuring => _measuring;

    /// <summary>
    /// Forgets any earlier window and counts packets stamped inside [start, end) from now on. Both edges
    /// are Stopwatch ticks chosen ahead of time by the coordinating process, so that every worker
    /// process and the server's CPU reading share one window (packets in flight at an edge are
    /// attributed by their send stamp, never by when a message reached a worker).
    /// </summary>
    public void OpenWindow(long startTicks, long endTicks)
    {
        _measuring = false;
        Array.Clear(_histogram);
        Interlocked.Exchange(ref _received, 0);
        lock (Tracks)
            foreach (var t in Tracks)
                (t.Count, t.Min, t.Max) = (0, uint.MaxValue, 0);
        (_windowStart, _windowEnd) = (startTicks, endTicks);
        _measuring = true;
    }

    /// <summary>Per (subscriber, publisher, kind): counters seen; touched only by that peer's receive loop.</summary>
    public sealed class Track
    {
        public long Count;
        public uint Min = uint.MaxValue, Max;
        public void See(uint counter)
        {
            Count++;
            if (counter < Min) Min = counter;
            if (counter > Max) Max = counter;
        }
        public long Expected => Count == 0 ? 0 : Max - Min + 1;
    }

    public readonly List<Track> Tracks = new();

    public Track NewTrack()
    {
        var t = new Track();
        lock (Tracks)
            Tracks.Add(t);
        return t;
    }

    public void Record(Track track, uint counter, long sentTicks)
    {
        if (!_measuring || sentTicks < _windowStart || sentTicks >= _windowEnd)
            return;
        // Stopwatch ticks are CLOCK_MONOTONIC on Linux, one clock for every process on the machine,
        // so a stamp written by a publisher in another worker process is comparable with ours.
        long micros = (Stopwatch.GetTimestamp() - sentTicks) * 1_000_000 / Stopwatch.Frequency;
        Interlocked.Increment(ref _histogram[Math.Clamp(micros / WorkerReport.BucketMicroseconds, 0, WorkerReport.Buckets)]);
        Interlocked.Increment(ref _received);
        track.See(counter);
    }

    /// <summary>Stops counting (call after the drain) and summarises the window.</summary>
    public WorkerReport Close(long published, long undecryptable)
    {
        _measuring = false;
        Track[] tracks;
        lock (Tracks)
            tracks = Tracks.ToArray();
        var (index, count) = WorkerReport.Sparse(_histogram);
        return new WorkerReport(published, Interlocked.Read(ref _received), tracks.Sum(t => t.Expected), tracks.Sum(t => t.Count),
            tracks.Length, undecryptable, index, count);
    }
}
