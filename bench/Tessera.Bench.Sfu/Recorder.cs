using System.Diagnostics;

namespace Tessera.Bench.Sfu;

/// <summary>What the subscribers saw during the measured window: counts, gaps, latency histogram.</summary>
internal sealed class Recorder
{
    private const int BucketMicroseconds = 10;
    private const int Buckets = 200_000; // up to 2 s
    private readonly long[] _histogram = new long[Buckets + 1];
    private volatile bool _measuring;
    private long _received;

    private long _windowStart = long.MaxValue, _windowEnd = long.MaxValue;

    public bool Measuring { get => _measuring; set => _measuring = value; }

    /// <summary>Only packets sent inside [start, end) count, so packets in flight at either edge are not miscounted.</summary>
    public void OpenWindow(long startTicks) { _windowEnd = long.MaxValue; _windowStart = startTicks; _measuring = true; }
    public void CloseWindow(long endTicks) => _windowEnd = endTicks;
    public long Received => Interlocked.Read(ref _received);

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
        long micros = (Stopwatch.GetTimestamp() - sentTicks) * 1_000_000 / Stopwatch.Frequency;
        Interlocked.Increment(ref _histogram[Math.Clamp(micros / BucketMicroseconds, 0, Buckets)]);
        Interlocked.Increment(ref _received);
        track.See(counter);
    }

    /// <summary>Forgets what was measured, for a second window on the same streams.</summary>
    public void Reset()
    {
        _measuring = false;
        Array.Clear(_histogram);
        Interlocked.Exchange(ref _received, 0);
        lock (Tracks)
            foreach (var t in Tracks)
                (t.Count, t.Min, t.Max) = (0, uint.MaxValue, 0);
    }

    /// <summary>Latency percentile in microseconds (bucket upper bound).</summary>
    public double Percentile(double p)
    {
        long total = _histogram.Sum();
        if (total == 0)
            return double.NaN;
        long target = (long)Math.Ceiling(total * p), seen = 0;
        for (int i = 0; i < _histogram.Length; i++)
        {
            seen += _histogram[i];
            if (seen >= target)
                return (i + 1) * BucketMicroseconds;
        }
        return double.PositiveInfinity;
    }
}
