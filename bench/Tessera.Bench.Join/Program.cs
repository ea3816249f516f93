// Join rate and chat fan-out latency of a Tessera server, measured over real WebSockets.
// Usage: dotnet run -c Release --project bench/Tessera.Bench.Join -- [--joiners 16 --duration 10 ...]
using System.Globalization;
using System.Text.RegularExpressions;
using Tessera.Bench.Join;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (BenchOptions.HelpRequested)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

if (options.WriteSetup is { } setup)
{
    Fixture.Create(Path.GetFullPath(setup), options.TokenPool);
    Console.WriteLine($"Wrote {setup}. Start the server with:");
    Console.WriteLine($"  dotnet src/Tessera.Server/bin/Release/net10.0/tessera.dll --insecure --http 127.0.0.1:8443 --data {setup}/data --groups {setup}/groups");
    Console.WriteLine($"then: --server-url http://127.0.0.1:8443/ --setup-dir {setup} [--server-pid PID]");
    return 0;
}

string? tempRoot = null;
ServerProcess? server = null;
try
{
    Fixture fixture;
    Uri baseUrl;
    int? serverPid;
    if (options.ServerUrl is { } url)
    {
        fixture = Fixture.Load(options.SetupDir!);
        baseUrl = new Uri(url);
        serverPid = options.ServerPid;
    }
    else
    {
        tempRoot = Path.Combine(Path.GetTempPath(), "tessera-bench-join-" + Guid.NewGuid().ToString("N")[..8]);
        fixture = Fixture.Create(tempRoot, options.TokenPool);
        var dll = options.ServerDll ?? FindServerDll();
        server = await ServerProcess.StartAsync(dll, fixture, options.ServerArgs);
        // Ctrl+C or SIGTERM must not leave the child server running.
        var child = server;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => child.Dispose();
        Console.CancelKeyPress += (_, _) => child.Dispose();
        baseUrl = server.BaseUrl;
        serverPid = server.Pid;
        Console.WriteLine($"Started {dll} (pid {server.Pid}) on {baseUrl}");
    }
    var wsUrl = new UriBuilder(baseUrl) { Scheme = baseUrl.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
    Console.WriteLine($"{Environment.ProcessorCount} CPUs, load average {LoadAverage.Now()}, {options.Runs} runs per phase, median reported");
    Console.WriteLine();

    var summary = new List<string>();
    var joinBench = new JoinBench(wsUrl, Fixture.JoinGroup, serverPid);
    foreach (var phase in options.Phases.Where(p => p is not ("chat" or "flood" or "idle")))
    {
        var minting = System.Diagnostics.Stopwatch.StartNew();
        var method = phase switch
        {
            "password" => JoinMethod.Password(Fixture.JoinGroup, options.Joiners),
            "hs256" => JoinMethod.Jwt("HS256 JWT", fixture.Hs256, baseUrl, Fixture.JoinGroup, options.TokenPool),
            "es256" => JoinMethod.Jwt("ES256 JWT", fixture.Es256, baseUrl, Fixture.JoinGroup, options.TokenPool),
            _ => JoinMethod.Invitation(Fixture.JoinGroup, Math.Min(options.TokenPool, fixture.Invitations)),
        };
        if (phase != "password")
            Console.WriteLine($"{method.Name}: {method.PoolSize} distinct tokens pre-minted in {minting.Elapsed.TotalSeconds:0.00} s, cycled by the joiners");
        foreach (var modeName in options.Modes)
        {
            var mode = modeName switch { "connect" => JoinMode.ConnectJoin, "abrupt" => JoinMode.ConnectJoinAbort, _ => JoinMode.OpenConnection };
            var label = $"{method.Name} {mode switch { JoinMode.ConnectJoin => "connect+join", JoinMode.ConnectJoinAbort => "connect+join+drop", _ => "join on open connection" }}";
            // The first phase also pays for JIT tiering of the server's whole join path: warm it longer.
            var warmup = summary.Count == 0 ? 3 * options.Warmup : options.Warmup;
            if (warmup > 0) await joinBench.RunAsync(mode, method, options.Joiners, TimeSpan.FromSeconds(warmup));
            var results = new List<(JoinRunResult R, string Load)>();
            for (var run = 1; run <= options.Runs; run++)
            {
                var load = LoadAverage.Now();
                var mark = server?.LogMark ?? 0;
                var r = await joinBench.RunAsync(mode, method, options.Joiners, TimeSpan.FromSeconds(options.Duration));
                results.Add((r, load));
                Console.WriteLine($"{label,-42} run {run}: {r.JoinsPerSecond,7:N0} joins/s ({r.Joins} ok, {r.Failures} failed, {r.Errors} errors)" +
                                  $"  latency p50 {r.LatencyP50Ms:0.0} ms p99 {r.LatencyP99Ms:0.0} ms" +
                                  $"  server {PerOp(r.Cpu.Server, r.Joins)}/join ({r.Cpu.ServerCores:0.00} cores; of it JIT {PerOp(r.Cpu.ServerJit, r.Joins)})" +
                                  $"  client {PerOp(r.Cpu.Client, r.Joins)}/join ({r.Cpu.ClientCores:0.00} cores)  load {load}");
                foreach (var (what, count) in r.Problems.OrderByDescending(p => p.Value).Take(5))
                    Console.WriteLine($"      {count} x {what}");
                if (server is not null) ReportLog(server.LogSince(mark), "      ");
            }
            var line = $"{label,-42} {Stats.Median(results.Select(x => x.R.JoinsPerSecond)),7:N0} joins/s" +
                       $"  p50 {Stats.Median(results.Select(x => x.R.LatencyP50Ms)):0.0} ms p99 {Stats.Median(results.Select(x => x.R.LatencyP99Ms)):0.0} ms" +
                       $"  server {Stats.Median(results.Select(x => x.R.Cpu.Server / x.R.Joins * 1e6)):0} µs/join" +
                       $" ({Stats.Median(results.Select(x => (x.R.Cpu.Server - x.R.Cpu.ServerJit) / x.R.Joins * 1e6)):0} without JIT)" +
                       $"  client {Stats.Median(results.Select(x => x.R.Cpu.Client / x.R.Joins * 1e6)):0} µs/join" +
                       $"  failures {results.Sum(x => x.R.Failures + x.R.Errors)}  load {string.Join(" | ", results.Select(x => x.Load))}";
            summary.Add(line);
            Console.WriteLine($"  median: {line}");
            Console.WriteLine();
        }
    }

    if (options.Phases.Contains("chat"))
    {
        var fanout = new ChatFanout(wsUrl, serverPid);
        var results = new List<(ChatRunResult R, string Load)>();
        if (options.Warmup > 0)
        {
            // A first run measures the JIT tiering the fan-out path (2-5 ms more at p99 on the
            // first run of a fresh server), not what a server that has been up for a while does.
            var w = await fanout.RunAsync(Fixture.ChatGroupFor(0), options.Members, Math.Min(options.Messages, 50),
                                          TimeSpan.FromMilliseconds(options.IntervalMs), options.MemberJoinConcurrency);
            Console.WriteLine($"chat fan-out warm-up (not counted): {w.Messages} messages x {w.Members} members, p99 {w.P99Ms:0.00} ms");
        }
        for (var run = 0; run < options.Runs; run++)
        {
            var load = LoadAverage.Now();
            var mark = server?.LogMark ?? 0;
            var r = await fanout.RunAsync(Fixture.ChatGroupFor(run + 1), options.Members, options.Messages,
                                          TimeSpan.FromMilliseconds(options.IntervalMs), options.MemberJoinConcurrency);
            results.Add((r, load));
            Console.WriteLine($"chat fan-out run {run + 1}: {r.Members} members joined in {r.JoinSeconds:0.00} s" +
                              $" ({r.Members / r.JoinSeconds:N0}/s, {r.JoinFailures} failed), presence settled at {r.PresenceSeconds:0.00} s," +
                              $" server {r.JoinCpu.Server:0.00} s CPU, client {r.JoinCpu.Client:0.00} s CPU; load {load}");
            Console.WriteLine($"    {r.Messages} messages x {r.Members} members: latency p50 {r.P50Ms:0.00} ms p99 {r.P99Ms:0.00} ms max {r.MaxMs:0.00} ms," +
                              $" {r.Lost} lost, {r.Disconnected} members dropped;" +
                              $" server {PerOp(r.ChatCpu.Server, r.Deliveries)} per delivery ({r.ChatCpu.ServerCores:0.00} cores)," +
                              $" client {PerOp(r.ChatCpu.Client, r.Deliveries)} per delivery ({r.ChatCpu.ClientCores:0.00} cores)");
            foreach (var p in r.Problems.Take(5)) Console.WriteLine($"      {p}");
            if (server is not null) ReportLog(server.LogSince(mark), "      ");
            await Task.Delay(1000); // let the server finish tearing the group down
        }
        var chatLine = $"chat fan-out to {options.Members}: join {Stats.Median(results.Select(x => x.R.JoinSeconds)):0.00} s" +
                       $" (presence settled {Stats.Median(results.Select(x => x.R.PresenceSeconds)):0.00} s)," +
                       $" latency p50 {Stats.Median(results.Select(x => x.R.P50Ms)):0.00} ms p99 {Stats.Median(results.Select(x => x.R.P99Ms)):0.00} ms" +
                       $" max {Stats.Median(results.Select(x => x.R.MaxMs)):0.00} ms, lost {results.Sum(x => x.R.Lost)}" +
                       $", server {Stats.Median(results.Select(x => x.R.ChatCpu.Server / Math.Max(1, x.R.Deliveries) * 1e6)):0.0} µs/delivery" +
                       $"  load {string.Join(" | ", results.Select(x => x.Load))}";
        summary.Add(chatLine);
        Console.WriteLine($"  median: {chatLine}");
        Console.WriteLine();
    }

    if (options.Phases.Contains("idle"))
    {
        if (serverPid is not { } pid) throw new ArgumentException("the idle phase reads the server's memory: pass --server-pid or let the bench start it");
        summary.Add(await new IdleMembers(wsUrl, pid).RunAsync(Fixture.ChatGroupFor(options.Runs), options.Members,
                                                               options.MemberJoinConcurrency, TimeSpan.FromSeconds(options.IdleSeconds)));
        Console.WriteLine();
    }

    if (options.Phases.Contains("flood"))
    {
        if (serverPid is not { } pid) throw new ArgumentException("the flood phase reads the server's memory: pass --server-pid or let the bench start it");
        await new HistoryFlood(wsUrl, pid).RunAsync(Fixture.ChatGroupFor(0), options.FloodChats, options.FloodChatBytes,
                                                    options.Members, options.MemberJoinConcurrency);
    }

    Console.WriteLine($"Summary ({options.Joiners} joiners, {options.Duration:0.#} s runs, medians of {options.Runs}; load average now {LoadAverage.Now()}):");
    foreach (var line in summary) Console.WriteLine("  " + line);
    return 0;
}
finally
{
    server?.Dispose();
    if (tempRoot is not null)
    {
        try { Directory.Delete(tempRoot, recursive: true); }
        catch (IOException) { }
    }
}

static string PerOp(double seconds, long ops) => ops == 0 ? "-" : $"{seconds / ops * 1e6:0.0} µs";

static string FindServerDll()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx")))
        {
            var dll = Path.Combine(dir.FullName, "src", "Tessera.Server", "bin", "Release", "net10.0", "tessera.dll");
            if (File.Exists(dll)) return dll;
            throw new FileNotFoundException($"build the server first: dotnet build -c Release src/Tessera.Server ({dll} missing)");
        }
    }
    throw new FileNotFoundException("Tessera.slnx not found above the benchmark; pass --server-dll");
}

// Server log lines worth knowing about during a phase (dropped connections, errors), grouped.
static void ReportLog(IReadOnlyList<string> lines, string indent)
{
    var interesting = lines.Where(l => l.Contains("dropped") || l.Contains("fail", StringComparison.OrdinalIgnoreCase)
                                       || l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("Exception"))
                           .Select(l => Regex.Replace(l, @"127\.0\.0\.1:\d+|\b[0-9a-f]{32}\b", "…"))
                           .GroupBy(l => l).OrderByDescending(g => g.Count()).Take(5);
    foreach (var g in interesting) Console.WriteLine($"{indent}server log {g.Count()} x {g.Key}");
}
