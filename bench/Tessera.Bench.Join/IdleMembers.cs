using System.Diagnostics;

namespace Tessera.Bench.Join;

/// <summary>
/// Memory per connected member: many clients join one group and then stay idle, reading what
/// the server sends and answering its keep-alive pings. The server's resident memory is read
/// before (after a warm-up that has already run the whole join path once, so that JIT-compiled
/// code is not counted), once the presence flood has settled, and through the idle period
/// (long enough to include a keep-alive ping and the quiet-server memory trim).
/// </summary>
public sealed class IdleMembers(Uri wsUrl, int serverPid)
{
    public async Task<string> RunAsync(string group, int members, int concurrency, TimeSpan idle)
    {
        Console.WriteLine($"idle members: {members} members in one group, idle {idle.TotalSeconds:0} s; load {LoadAverage.Now()}");
        using var stop = new CancellationTokenSource();
        var warm = await JoinAllAsync(group, "warm", Math.Min(64, members), concurrency, stop.Token);
        await CloseAllAsync(warm);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var baseline = ServerMemory.Read(serverPid);
        Console.WriteLine($"  before: {baseline} (after {warm.Count} members joined and left)");

        var beforeJoin = CpuSample.Take(serverPid);
        var all = await JoinAllAsync(group, "idle", members, concurrency, stop.Token);
        var live = all.Count;
        // Settled: every member has heard of every other one, or nothing new for 2 s.
        var lastTotal = -1L;
        var lastChange = Stopwatch.GetTimestamp();
        var deadline = Stopwatch.GetTimestamp() + 120 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline && all.Any(m => !m.Disconnected && Volatile.Read(ref m.UsersSeen) < live))
        {
            var total = all.Sum(m => (long)Volatile.Read(ref m.UsersSeen));
            if (total != lastTotal) (lastTotal, lastChange) = (total, Stopwatch.GetTimestamp());
            else if (Stopwatch.GetElapsedTime(lastChange) > TimeSpan.FromSeconds(2)) break;
            await Task.Delay(20);
        }
        var joinCpu = CpuSample.Take(serverPid) - beforeJoin;
        var settled = ServerMemory.Read(serverPid);
        Console.WriteLine($"  {live} joined ({members - live} failed) and presence settled in {joinCpu.Wall:0.0} s," +
                          $" server {joinCpu.Server:0.00} s CPU: {settled}, {PerMember(settled, baseline, live)}; load {LoadAverage.Now()}");

        var beforeIdle = CpuSample.Take(serverPid);
        var idleStart = Stopwatch.GetTimestamp();
        var peak = settled;
        var last = settled;
        for (var s = 5; s <= idle.TotalSeconds; s += 5)
        {
            await Task.Delay(Stopwatch.GetElapsedTime(idleStart) is var e && TimeSpan.FromSeconds(s) > e ? TimeSpan.FromSeconds(s) - e : TimeSpan.Zero);
            last = ServerMemory.Read(serverPid);
            if (last.RssBytes > peak.RssBytes) peak = last;
            Console.WriteLine($"  idle {s,3} s: {last}, {PerMember(last, baseline, live)}, {all.Count(m => m.Disconnected)} dropped, {all.Sum(m => Volatile.Read(ref m.Pings))} pings answered");
        }
        var idleCpu = CpuSample.Take(serverPid) - beforeIdle;
        var dropped = all.Count(m => m.Disconnected);
        await CloseAllAsync(all);
        stop.Cancel();

        var line = $"idle members {live}: {PerMember(last, baseline, live)} after {idle.TotalSeconds:0} s idle" +
                   $" (settled {PerMember(settled, baseline, live)}, peak {PerMember(peak, baseline, live)});" +
                   $" RSS {baseline.RssBytes / 1e6:0} -> {last.RssBytes / 1e6:0} MB; join+presence {joinCpu.Server / Math.Max(1, live) * 1e6:0} µs server CPU/member;" +
                   $" idle {idleCpu.Server / idleCpu.Wall / Math.Max(1, live) * 1e6:0.0} µs CPU/member/s; {dropped} dropped";
        Console.WriteLine($"  {line}");
        return line;
    }

    private static string PerMember(ServerMemory now, ServerMemory baseline, int members) =>
        $"{(now.RssBytes - baseline.RssBytes) / 1024.0 / Math.Max(1, members):0.0} KB RSS/member (anonymous {(now.AnonBytes - baseline.AnonBytes) / 1024.0 / Math.Max(1, members):0.0} KB)";

    private sealed class Member(BenchConnection connection)
    {
        public BenchConnection Connection { get; } = connection;
        public int UsersSeen;
        public int Pings;
        public volatile bool Disconnected;
        public Task? Reader;
    }

    private async Task<List<Member>> JoinAllAsync(string group, string prefix, int count, int concurrency, CancellationToken stop)
    {
        var joined = new List<Member>(count);
        var failures = new Dictionary<string, int>();
        using var gate = new SemaphoreSlim(concurrency);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var connection = await BenchConnection.OpenAsync(wsUrl, timeout.Token);
                await connection.SendAsync(Wire.PasswordJoin(group, prefix + i, Fixture.Password), timeout.Token);
                var (kind, value) = await connection.WaitJoinedAsync(timeout.Token);
                if (kind != "join")
                {
                    await connection.DisposeAsync();
                    lock (joined) failures[$"{kind}: {value}"] = failures.GetValueOrDefault($"{kind}: {value}") + 1;
                    return;
                }
                var member = new Member(connection);
                member.Reader = Task.Run(() => ReadAsync(member, stop));
                lock (joined) joined.Add(member);
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or IOException or System.Net.Http.HttpRequestException)
            {
                lock (joined) failures[e.GetType().Name] = failures.GetValueOrDefault(e.GetType().Name) + 1;
            }
            finally
            {
                gate.Release();
            }
        }));
        foreach (var (what, n) in failures) Console.WriteLine($"      {n} x {what}");
        return joined;
    }

    private static async Task ReadAsync(Member member, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                var incoming = Wire.Scan((await member.Connection.ReceiveAsync(stop)).Span);
                if (incoming.Type == MessageType.Ping)
                {
                    await member.Connection.SendAsync(Wire.Pong, stop);
                    Interlocked.Increment(ref member.Pings);
                }
                else if (incoming.Type == MessageType.User && incoming.Kind == "add")
                {
                    Interlocked.Increment(ref member.UsersSeen);
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception)
        {
            member.Disconnected = true;
        }
    }

    private static async Task CloseAllAsync(List<Member> members)
    {
        await Task.WhenAll(members.Select(async m =>
        {
            try
            {
                using var t = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await m.Connection.CloseOutputAsync(t.Token);
            }
            catch (Exception) { }
        }));
        await Task.WhenAny(Task.WhenAll(members.Where(m => m.Reader is not null).Select(m => m.Reader!)), Task.Delay(5000));
        foreach (var m in members) await m.Connection.DisposeAsync();
    }
}
