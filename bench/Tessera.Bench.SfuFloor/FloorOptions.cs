namespace Tessera.Bench.SfuFloor;

/// <summary>Command-line flags: --publishers N --subscribers M --seconds S --bitrate BITS --warmup S --drain S.</summary>
internal sealed record FloorOptions(int Publishers, int Subscribers, int Seconds, int VideoBitrate, int Warmup, int Drain)
{
    public static FloorOptions Parse(string[] args)
    {
        var o = new FloorOptions(10, 25, 15, 1_000_000, 3, 2);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string v = args[i + 1];
            o = args[i] switch
            {
                "--publishers" => o with { Publishers = int.Parse(v) },
                "--subscribers" => o with { Subscribers = int.Parse(v) },
                "--seconds" => o with { Seconds = int.Parse(v) },
                "--bitrate" => o with { VideoBitrate = ParseBitrate(v) },
                "--warmup" => o with { Warmup = int.Parse(v) },
                "--drain" => o with { Drain = int.Parse(v) },
                _ => throw new ArgumentException($"unknown flag {args[i]}"),
            };
        }
        return o;
    }

    /// <summary>Accepts 1000000, 1000k or 1M.</summary>
    private static int ParseBitrate(string v) => char.ToLowerInvariant(v[^1]) switch
    {
        'k' => int.Parse(v[..^1]) * 1000,
        'm' => int.Parse(v[..^1]) * 1_000_000,
        _ => int.Parse(v),
    };
}
