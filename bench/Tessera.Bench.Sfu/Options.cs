namespace Tessera.Bench.Sfu;

/// <summary>
/// Command-line flags: --publishers N --subscribers M --seconds S --bitrate BITS --warmup S --drain S --server PATH
/// --record yes|no --workers W --connects C. A worker process also gets --worker K --port P (set by the bench itself).
/// </summary>
internal sealed record Options(int Publishers, int Subscribers, int Seconds, int VideoBitrate, int Warmup, string ServerDll, int Drain,
                               bool Record = false, int Workers = 0, int Connects = 8, int WorkerIndex = -1, int Port = 0)
{
    /// <summary>This process is one of the load's worker processes, not the bench.</summary>
    public bool IsWorkerProcess => WorkerIndex >= 0;

    public static Options Parse(string[] args)
    {
        var o = new Options(10, 25, 10, 1_000_000, 3, "src/Tessera.Server/bin/Release/net10.0/tessera.dll", 2);
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
                "--server" => o with { ServerDll = v },
                "--record" => o with { Record = v is "yes" or "1" or "true" },
                "--workers" => o with { Workers = int.Parse(v) },
                "--connects" => o with { Connects = Math.Max(1, int.Parse(v)) },
                "--worker" => o with { WorkerIndex = int.Parse(v) },
                "--port" => o with { Port = int.Parse(v) },
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
