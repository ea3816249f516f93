using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tessera.Bench.Join;

public enum JoinMode
{
    /// <summary>Each operation: open a WebSocket, handshake, join, wait for <c>joined</c>, close.</summary>
    ConnectJoin,
    /// <summary>As <see cref="ConnectJoin"/>, but the connection is dropped without a close handshake.</summary>
    ConnectJoinAbort,
    /// <summary>Each operation on one long-lived connection: join, <c>joined</c>, leave, <c>joined</c>/leave.</summary>
    OpenConnection,
}

public sealed record JoinRunResult(long Joins, long Failures, long Errors, double Seconds, CpuDelta Cpu,
                                   double LatencyP50Ms, double LatencyP99Ms, IReadOnlyDictionary<string, int> Problems)
{
    public double JoinsPerSecond => Joins / Seconds;
}

/// <summary>Closed-loop join load: a fixed number of joiners, each as fast as the server answers.</summary>
public sealed class JoinBench
{
    private readonly Uri _wsUrl;
    private readonly string _group;
    private readonly int? _serverPid;

    public JoinBench(Uri wsUrl, string group, int? serverPid)
    {
        _wsUrl = wsUrl;
        _group = group;
        _serverPid = serverPid;
    }

    public async Task<JoinRunResult> RunAsync(JoinMode mode, JoinMethod method, int joiners, TimeSpan duration)
    {
        var problems = new ConcurrentDictionary<string, int>();
        var latencies = new List<double>[joiners];
        long joins = 0, failures = 0, errors = 0;
        var leave = Wire.Leave(_group);
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var before = CpuSample.Take(_serverPid);

        void Problem(string what) => problems.AddOrUpdate(what, 1, (_, n) => n + 1);

        async Task Joiner(int j)
        {
            var mine = latencies[j] = new List<double>(4096);
            long attempt = 0;
            BenchConnection? open = null;
            while (Stopwatch.GetTimestamp() < end)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                var ct = timeout.Token;
                var start = Stopwatch.GetTimestamp();
                try
                {
                    var joinMessage = method.Message(j, joiners, attempt++);
                    if (mode is JoinMode.ConnectJoin or JoinMode.ConnectJoinAbort)
                    {
                        await using var connection = await BenchConnection.OpenAsync(_wsUrl, ct);
                        await connection.SendAsync(joinMessage, ct);
                        var (kind, value) = await connection.WaitJoinedAsync(ct);
                        var joined = Stopwatch.GetTimestamp();
                        if (mode == JoinMode.ConnectJoinAbort) connection.Abort();
                        else if (await connection.CloseAsync(ct) is var closeStatus && closeStatus != System.Net.WebSockets.WebSocketCloseStatus.NormalClosure)
                            Problem($"note (not a failure): server answered our close (1000) with {(int?)closeStatus}");
                        if (kind == "join") { Interlocked.Increment(ref joins); mine.Add(Ms(start, joined)); }
                        else { Interlocked.Increment(ref failures); Problem($"joined {kind}: {value}"); }
                    }
                    else
                    {
                        open ??= await BenchConnection.OpenAsync(_wsUrl, ct);
                        await open.SendAsync(joinMessage, ct);
                        var (kind, value) = await open.WaitJoinedAsync(ct);
                        var joined = Stopwatch.GetTimestamp();
                        if (kind != "join")
                        {
                            Interlocked.Increment(ref failures);
                            Problem($"joined {kind}: {value}");
                            continue;
                        }
                        await open.SendAsync(leave, ct);
                        var (leaveKind, leaveValue) = await open.WaitJoinedAsync(ct);
                        if (leaveKind != "leave")
                        {
                            Interlocked.Increment(ref failures);
                            Problem($"leave answered by {leaveKind}: {leaveValue}");
                            continue;
                        }
                        Interlocked.Increment(ref joins);
                        mine.Add(Ms(start, joined));
                    }
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or System.Net.Http.HttpRequestException or IOException)
                {
                    Interlocked.Increment(ref errors);
                    Problem($"{e.GetType().Name}: {e.Message}");
                    if (open is not null) await open.DisposeAsync();
                    open = null;
                }
            }
            if (open is not null)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await open.CloseAsync(timeout.Token);
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException) { }
                await open.DisposeAsync();
            }
        }

        var tasks = Enumerable.Range(0, joiners).Select(j => Task.Run(() => Joiner(j))).ToArray();
        await Task.WhenAll(tasks);
        var cpu = CpuSample.Take(_serverPid) - before;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new JoinRunResult(joins, failures, errors, cpu.Wall, cpu,
            Stats.Percentile(all, 50), Stats.Percentile(all, 99), new Dictionary<string, int>(problems));
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}
