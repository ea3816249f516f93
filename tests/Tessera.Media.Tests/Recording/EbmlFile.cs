using System.Buffers.Binary;
using Tessera.Media.Recording;

namespace Tessera.Media.Tests.Recording;

/// <summary>
/// A minimal EBML reader for the tests (independent of the writer): walks the segment's top-level
/// elements and reads what the assertions need — the cues, and a cluster's timestamp by position.
/// </summary>
public sealed class EbmlFile
{
    private readonly byte[] _bytes;
    private readonly long _segmentData;

    private EbmlFile(byte[] bytes, long segmentData, bool unknown, List<(long, long)> cues)
    {
        _bytes = bytes;
        _segmentData = segmentData;
        SegmentSizeUnknown = unknown;
        Cues = cues.Select(c => (c.Item1, c.Item2)).Select(c => new Cue(c.Item1, c.Item2)).ToList();
    }

    public sealed record Cue(long Time, long ClusterPosition);

    public bool SegmentSizeUnknown { get; }
    public IReadOnlyList<Cue> Cues { get; }

    public static EbmlFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int at = 0;
        var (id, size, dataAt) = Element(bytes, at);
        Assert.Equal(MatroskaIds.Ebml, id);
        at = dataAt + (int)size;
        (id, size, dataAt) = Element(bytes, at);
        Assert.Equal(MatroskaIds.Segment, id);
        bool unknown = size == -1;
        long segmentData = dataAt;
        var cues = new List<(long, long)>();
        for (at = dataAt; at < bytes.Length;)
        {
            (id, size, dataAt) = Element(bytes, at);
            if (id == MatroskaIds.Cues)
            {
                foreach (var (pointId, pointAt, pointSize) in Children(bytes, dataAt, size))
                {
                    Assert.Equal(MatroskaIds.CuePoint, pointId);
                    long time = 0, position = -1;
                    foreach (var (childId, childAt, childSize) in Children(bytes, pointAt, pointSize))
                    {
                        if (childId == MatroskaIds.CueTime)
                            time = UInt(bytes, childAt, childSize);
                        else if (childId == MatroskaIds.CueTrackPositions)
                            foreach (var (p, pAt, pSize) in Children(bytes, childAt, childSize))
                                if (p == MatroskaIds.CueClusterPosition)
                                    position = UInt(bytes, pAt, pSize);
                    }
                    cues.Add((time, position));
                }
            }
            at = dataAt + (int)size;
        }
        return new EbmlFile(bytes, segmentData, unknown, cues);
    }

    /// <summary>The Timestamp of the cluster at <paramref name="position"/> (from the segment's data).</summary>
    public long ClusterTimeAt(long position)
    {
        var (id, size, dataAt) = Element(_bytes, (int)(_segmentData + position));
        Assert.Equal(MatroskaIds.Cluster, id);
        var (first, firstAt, firstSize) = Children(_bytes, dataAt, size).First();
        Assert.Equal(MatroskaIds.Timestamp, first);
        return UInt(_bytes, firstAt, firstSize);
    }

    private static IEnumerable<(uint Id, int At, long Size)> Children(byte[] bytes, int at, long size)
    {
        for (int end = at + (int)size; at < end;)
        {
            var (id, childSize, dataAt) = Element(bytes, at);
            yield return (id, dataAt, childSize);
            at = dataAt + (int)childSize;
        }
    }

    private static long UInt(byte[] bytes, int at, long size)
    {
        long value = 0;
        for (int i = 0; i < size; i++)
            value = (value << 8) | bytes[at + i];
        return value;
    }

    /// <summary>An element's ID (marker bits kept), data size (-1: unknown) and where its data starts.</summary>
    private static (uint Id, long Size, int DataAt) Element(byte[] bytes, int at)
    {
        int idLength = VintLength(bytes[at]);
        uint id = 0;
        for (int i = 0; i < idLength; i++)
            id = (id << 8) | bytes[at + i];
        at += idLength;
        int sizeLength = VintLength(bytes[at]);
        long size = bytes[at] & (0xFF >> sizeLength);
        bool allOnes = size == (0xFF >> sizeLength);
        for (int i = 1; i < sizeLength; i++)
        {
            allOnes &= bytes[at + i] == 0xFF;
            size = (size << 8) | bytes[at + i];
        }
        return (id, allOnes ? -1 : size, at + sizeLength);
    }

    private static int VintLength(byte first) => first == 0 ? throw new InvalidDataException("bad vint") : System.Numerics.BitOperations.LeadingZeroCount((uint)first) - 23;
}
