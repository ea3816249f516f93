using System.Diagnostics;

namespace Tessera.Bench.Join;

public sealed record ChatRunResult(
    int Members, double JoinSeconds, double PresenceSeconds, int JoinFailures, CpuDelta JoinCpu,
    int Messages, long Deliveries, long Lost, double P50Ms, double P99Ms, double MaxMs, CpuDelta ChatCpu,
    int Disconnected, IReadOnlyList<string> Problems);

/// <summary>
/// Fan-out latency: many members join one group and read continuously; one extra member sends
/// numbered chat messages at a fixed pace and every member notes when each one arrives.
/// Send and receive times come from the same Stopwatch, so latency needs no clock agreement.
/// </summary>
public sealed class ChatFanout
{
    private readonly Uri _wsUrl;
    private readonly int? _serverPid;

    public ChatFanout(Uri wsUrl, int? serverPid)
    {
        _wsUrl = wsUrl;
        _serverPid = serverPid;
    }

    private sealed class Member
    {
        public required long[] Received;      // Stopwatch timestamp per message number, 0 = not yet
        public int UsersSeen;                  // user/add messages, to know when presence has settled
        public int ChatsSeen;
        public volatile bool Disconnected;
        public BenchConnection? Connection;
        public Task? Reader;
    }

    public async Task<ChatRunResult> RunAsync(string group, int members, int messages, TimeSpan interval, int joinConcurrency)
    {
        var problems = new List<string>();
        var stop = new CancellationTokenSource();
        var all = new Member[members];
        var joinFailures = 0;

        // Phase 1: join every member, at most joinConcurrency joins in flight.
        var beforeJoin = CpuSample.Take(_serverPid);
        using (var gate = new SemaphoreSlim(joinConcurrency))
        {
            var joins = new Task[members];
            for (var i = 0; i < members; i++)
            {
                await gate.WaitAsync();
                var index = i;
                joins[i] = Task.Run(async () =>
                {
                    var joined = false;
                    try
                    {
                        all[index] = await JoinMemberAsync(group, $"member{index}", messages, stop.Token);
                        joined = true;
                    }
                    catch (Exception e)
                    {
                        lock (problems) problems.Add($"member {index}: {e.GetType().Name}: {e.Message}");
                        all[index] = new Member { Received = new long[messages], Disconnected = true };
                        Interlocked.Increment(ref joinFailures);
                    }
                    finally
                    {
                        gate.Release();
                    }
                    _ = joined;
                });
            }
            await Task.WhenAll(joins);
        }
        var joinSeconds = Stopwatch.GetElapsedTime(beforeJoin.Timestamp).TotalSeconds;

        // Every member learns of every other one through user/add; wait for that flood to finish
        // so that it does not overlap the latency measurement.
        // Settled = every live member has seen everybody, or (when the server dropped members, so
        // that later joiners never hear of them) no user/add has arrived anywhere for 2 s.
        var presenceDeadline = Stopwatch.GetTimestamp() + 120 * Stopwatch.Frequency;
        var lastTotal = -1L;
        var lastChange = Stopwatch.GetTimestamp();
        long? settledAt = null;
        while (Stopwatch.GetTimestamp() < presenceDeadline &&
               all.Any(m => !m.Disconnected && Volatile.Read(ref m.UsersSeen) < members - joinFailures))
        {
            var total = all.Sum(m => (long)Volatile.Read(ref m.UsersSeen));
            if (total != lastTotal) (lastTotal, lastChange) = (total, Stopwatch.GetTimestamp());
            else if (Stopwatch.GetElapsedTime(lastChange) > TimeSpan.FromSeconds(2))
            {
                settledAt = lastChange;
                break;
            }
            await Task.Delay(20);
        }
        var presenceSeconds = Stopwatch.GetElapsedTime(beforeJoin.Timestamp, settledAt ?? Stopwatch.GetTimestamp()).TotalSeconds;
        var joinCpu = CpuSample.Take(_serverPid) - beforeJoin;

        // Phase 2: the sender (not counted as a member; noecho) sends numbered messages at a fixed pace.
        var sent = new long[messages];
        var chats = Enumerable.Range(0, messages).Select(Wire.Chat).ToArray();
        using var senderTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await using var sender = await BenchConnection.OpenAsync(_wsUrl, senderTimeout.Token);
        await sender.SendAsync(Wire.PasswordJoin(group, "sender", Fixture.Password), senderTimeout.Token);
        var (kind, value) = await sender.WaitJoinedAsync(senderTimeout.Token);
        if (kind != "join") throw new InvalidOperationException($"sender could not join: {kind} {value}");
        var senderReader = Task.Run(async () =>
        {
            try
            {
                while (true)
                    if (Wire.Scan((await sender.ReceiveAsync(stop.Token)).Span).Type == MessageType.Ping)
                        await sender.SendAsync(Wire.Pong, stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException) { }
        });
        await Task.Delay(200); // let the sender's own user/add reach everybody

        RunHook("start");
        var beforeChat = CpuSample.Take(_serverPid);
        var pace = Stopwatch.StartNew();
        for (var n = 0; n < messages; n++)
        {
            var due = TimeSpan.FromTicks(interval.Ticks * n);
            var wait = due - pace.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            sent[n] = Stopwatch.GetTimestamp();
            await sender.SendAsync(chats[n], senderTimeout.Token);
        }
        // Wait for stragglers: everything delivered, or 5 s of grace.
        var grace = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < grace && all.Any(m => !m.Disconnected && Volatile.Read(ref m.ChatsSeen) < messages))
            await Task.Delay(20);
        var chatCpu = CpuSample.Take(_serverPid) - beforeChat;
        RunHook("end");

        // Latency over all (message, member) pairs.
        var latencies = new List<double>(members * messages);
        long lost = 0;
        foreach (var m in all)
            for (var n = 0; n < messages; n++)
            {
                var at = Volatile.Read(ref m.Received[n]);
                if (at == 0) lost++;
                else latencies.Add(Stopwatch.GetElapsedTime(sent[n], at).TotalMilliseconds);
            }
        var sorted = latencies.Order().ToArray();
        var disconnected = all.Count(m => m.Disconnected) - joinFailures;

        // Tear down: close everybody (bounded), then stop the readers.
        await Task.WhenAll(all.Where(m => m.Connection is not null).Select(async m =>
        {
            try
            {
                using var t = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await m.Connection!.CloseOutputAsync(t.Token);
            }
            catch (Exception) { }
        }));
        try
        {
            using var t = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await sender.CloseOutputAsync(t.Token);
        }
        catch (Exception) { }
        // Readers end when the server answers the close; give them a moment, then cancel the rest.
        await Task.WhenAny(Task.WhenAll(all.Where(m => m.Reader is not null).Select(m => m.Reader!)), Task.Delay(5000));
        stop.Cancel();
        await Task.WhenAll(all.Where(m => m.Reader is not null).Select(m => m.Reader!).Append(senderReader));
        foreach (var m in all) if (m.Connection is not null) await m.Connection.DisposeAsync();

        return new ChatRunResult(members, joinSeconds, presenceSeconds, joinFailures, joinCpu,
            messages, sorted.Length, lost, Stats.Percentile(sorted, 50), Stats.Percentile(sorted, 99),
            sorted.Length > 0 ? sorted[^1] : double.NaN, chatCpu, disconnected, problems);
    }

    /// <summary>
    /// Runs <c>$TESSERA_BENCH_ON_CHAT start|end</c> (when set) around the sending part, so that a
    /// profiler or a counter can cover exactly the deliveries and not the presence flood.
    /// </summary>
    private static void RunHook(string when)
    {
        if (Environment.GetEnvironmentVariable("TESSERA_BENCH_ON_CHAT") is not { Length: > 0 } command) return;
        using var hook = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command + " " + when]))!;
        hook.WaitForExit();
    }

    private async Task<Member> JoinMemberAsync(string group, string username, int messages, CancellationToken stop)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var connection = await BenchConnection.OpenAsync(_wsUrl, timeout.Token);
        await connection.SendAsync(Wire.PasswordJoin(group, username, Fixture.Password), timeout.Token);
        var (kind, value) = await connection.WaitJoinedAsync(timeout.Token);
        if (kind != "join")
        {
            await connection.DisposeAsync();
            throw new InvalidOperationException($"joined {kind}: {value}");
        }
        var member = new Member { Received = new long[messages], Connection = connection };
        member.Reader = Task.Run(() => ReadAsync(member, stop));
        return member;
    }

    /// <summary>The one reader of a member's connection: timestamps chat arrivals, counts user/add.</summary>
    private static async Task ReadAsync(Member member, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                var message = await member.Connection!.ReceiveAsync(stop);
                var at = Stopwatch.GetTimestamp();
                var incoming = Wire.Scan(message.Span);
                if (incoming.Type == MessageType.Chat)
                {
                    if (incoming.ChatNumber >= 0 && incoming.ChatNumber < member.Received.Length && member.Received[incoming.ChatNumber] == 0)
                    {
                        Volatile.Write(ref member.Received[incoming.ChatNumber], at);
                        Interlocked.Increment(ref member.ChatsSeen);
                    }
                }
                else if (incoming.Type == MessageType.Ping)
                {
                    await member.Connection.SendAsync(Wire.Pong, stop);
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
}
