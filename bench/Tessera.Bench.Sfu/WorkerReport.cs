namespace Tessera.Bench.Sfu;

/// <summary>
/// What one load worker saw in a measured window, in a form that crosses a process boundary (JSON on
/// the worker's stdout) and adds up: counts sum, histogram buckets sum, percentiles come after merging.
/// </summary>
internal sealed record WorkerReport(
    long Published, long Received, long GapExpected, long GapReceived, int Tracks, long Undecryptable,
    int[] BucketIndex, long[] BucketCount, long AllocatedBytes = 0)
{
    public const int BucketMicroseconds = 10;
    public const int Buckets = 200_000; // up to 2 s; the last bucket holds everything slower

    public static WorkerReport Empty { get; } = new(0, 0, 0, 0, 0, 0, [], []);

    /// <summary>Keeps only the non-empty buckets: a few hundred numbers instead of 200,001.</summary>
    public static (int[] Index, long[] Count) Sparse(long[] histogram)
    {
        var index = new List<int>();
        var count = new List<long>();
        for (int i = 0; i < histogram.Length; i++)
        {
            if (histogram[i] == 0)
                continue;
            index.Add(i);
            count.Add(histogram[i]);
        }
        return (index.ToArray(), count.ToArray());
    }

    public static WorkerReport Merge(IEnumerable<WorkerReport> reports)
    {
        var histogram = new SortedDictionary<int, long>();
        var total = Empty;
        foreach (var r in reports)
        {
            for (int i = 0; i < r.BucketIndex.Length; i++)
                histogram[r.BucketIndex[i]] = histogram.GetValueOrDefault(r.BucketIndex[i]) + r.BucketCount[i];
            total = total with
            {
                Published = total.Published + r.Published, Received = total.Received + r.Received,
                GapExpected = total.GapExpected + r.GapExpected, GapReceived = total.GapReceived + r.GapReceived,
                Tracks = total.Tracks + r.Tracks, Undecryptable = total.Undecryptable + r.Undecryptable,
                AllocatedBytes = total.AllocatedBytes + r.AllocatedBytes,
            };
        }
        return total with { BucketIndex = histogram.Keys.ToArray(), BucketCount = histogram.Values.ToArray() };
    }

    /// <summary>Counter gaps inside tracks as a fraction of what the tracks' counter ranges say was sent.</summary>
    public double GapLoss => GapExpected == 0 ? double.NaN : 1 - (double)GapReceived / GapExpected;

    /// <summary>Latency percentile in microseconds (upper bound of the bucket it falls in).</summary>
    public double Percentile(double p)
    {
        long total = BucketCount.Sum();
        if (total == 0)
            return double.NaN;
        long target = (long)Math.Ceiling(total * p), seen = 0;
        for (int i = 0; i < BucketIndex.Length; i++)
        {
            seen += BucketCount[i];
            if (seen >= target)
                return BucketIndex[i] == Buckets ? double.PositiveInfinity : (BucketIndex[i] + 1) * BucketMicroseconds;
        }
        return double.PositiveInfinity;
    }
}
