namespace Tessera.Media.Testing;

/// <summary>H.264 Annex B byte streams: NAL units separated by 00 00 01 (or 00 00 00 01) start codes.</summary>
public static class AnnexB
{
    /// <summary>Where each NAL unit starts (after its start code) and how long it is (without the next one's leading zeros).</summary>
    public static List<(int Start, int Length)> NalUnits(ReadOnlySpan<byte> stream)
    {
        var starts = new List<int>();
        for (int i = 0; i + 2 < stream.Length; i++)
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1)
                starts.Add(i + 3);
        var units = new List<(int, int)>();
        for (int n = 0; n < starts.Count; n++)
        {
            int end = n + 1 < starts.Count ? starts[n + 1] - 3 : stream.Length;
            while (end > starts[n] && stream[end - 1] == 0)
                end--; // a 4-byte start code's extra zero, or trailing zeros
            units.Add((starts[n], end - starts[n]));
        }
        return units;
    }
}
