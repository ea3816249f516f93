using System.Globalization;

namespace Tessera.Bench.Join;

/// <summary>Command-line flags (<c>--name value</c>); see README.md.</summary>
public sealed record BenchOptions
{
    public int Joiners { get; init; } = 16;
    public double Duration { get; init; } = 10;
    public double Warmup { get; init; } = 2;
    public int Runs { get; init; } = 3;
    public int Members { get; init; } = 1000;
    public int Messages { get; init; } = 200;
    public int IntervalMs { get; init; } = 50;
    public int MemberJoinConcurrency { get; init; } = 16;
    public int TokenPool { get; init; } = 4096;
    public IReadOnlyList<string> Phases { get; init; } = AllPhases;
    public IReadOnlyList<string> Modes { get; init; } = ["connect", "open"];
    public double IdleSeconds { get; init; } = 45;
    public string? ServerUrl { get; init; }
    public int? ServerPid { get; init; }
    public string? SetupDir { get; init; }
    public string? WriteSetup { get; init; }
    public string? ServerDll { get; init; }
    public IReadOnlyList<string> ServerArgs { get; init; } = [];

    public static readonly string[] AllPhases = ["password", "hs256", "es256", "invitation", "chat"];

    /// <summary>Phases run only when named: "flood" (memory under a chat-history flood), "idle" (memory per idle member).</summary>
    public static readonly string[] ExtraPhases = ["flood", "idle"];

    public int FloodChats { get; init; } = 20;
    public int FloodChatBytes { get; init; } = 900_000;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double Dbl() => double.Parse(Next(), CultureInfo.InvariantCulture);
            string[] List() => Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            o = args[i] switch
            {
                "--joiners" => o with { Joiners = Int() },
                "--duration" => o with { Duration = Dbl() },
                "--warmup" => o with { Warmup = Dbl() },
                "--runs" => o with { Runs = Int() },
                "--members" => o with { Members = Int() },
                "--messages" => o with { Messages = Int() },
                "--interval" => o with { IntervalMs = Int() },
                "--member-join-concurrency" => o with { MemberJoinConcurrency = Int() },
                "--token-pool" => o with { TokenPool = Int() },
                "--phases" => o with { Phases = List() },
                "--flood-chats" => o with { FloodChats = Int() },
                "--flood-chat-bytes" => o with { FloodChatBytes = Int() },
                "--modes" => o with { Modes = List() },
                "--idle-seconds" => o with { IdleSeconds = Dbl() },
                "--server-url" => o with { ServerUrl = Next() },
                "--server-pid" => o with { ServerPid = Int() },
                "--setup-dir" => o with { SetupDir = Next() },
                "--write-setup" => o with { WriteSetup = Next() },
                "--server-dll" => o with { ServerDll = Next() },
                "--server-arg" => o with { ServerArgs = [.. o.ServerArgs, Next()] },
                "--help" or "-h" => throw new HelpRequested(),
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        if (o.Phases.Except(AllPhases).Except(ExtraPhases).FirstOrDefault() is { } badPhase) throw new ArgumentException($"unknown phase {badPhase}");
        if (o.Modes.Except(["connect", "abrupt", "open"]).FirstOrDefault() is { } badMode) throw new ArgumentException($"unknown mode {badMode}");
        if (o.ServerUrl is not null && o.SetupDir is null)
            throw new ArgumentException("--server-url needs --setup-dir (the folder written by --write-setup that the server runs on)");
        return o;
    }

    public sealed class HelpRequested : Exception;

    public const string Usage = """
        Tessera.Bench.Join: join rate and chat fan-out latency of a Tessera server. See README.md.
          --joiners N        concurrent joiners in the join phases (16)
          --duration S       seconds per measured run (10); --warmup S before a phase's first run (2)
          --runs N           runs per phase; the median is reported (3)
          --phases LIST      password,hs256,es256,invitation,chat (all); or flood: memory under a
                             chat-history flood (--flood-chats 20 --flood-chat-bytes 900000, --members joiners);
                             or idle: RSS per idle member (--members, --idle-seconds 45)
          --modes LIST       connect,open (default both), abrupt: connect+join+close handshake, join/leave
                             on an open connection, connect+join then drop the TCP connection
          --members N        chat phase: receiving members (1000)
          --messages N       chat phase: messages sent (200), --interval MS apart (50)
          --member-join-concurrency N   chat phase: joins in flight while filling the group (16)
          --token-pool N     pre-minted distinct tokens per kind, cycled (4096)
          --server-dll PATH  server to start (default: src/Tessera.Server/bin/Release/net10.0/tessera.dll)
          --server-arg ARG   one more argument for the started server (repeatable), e.g. the floor's --fanout
          --write-setup DIR  only write data/, groups/ and keys to DIR and exit
          --server-url URL --setup-dir DIR [--server-pid PID]  attack a running server started on DIR
        """;
}
