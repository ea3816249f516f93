using System.Net.WebSockets;
using System.Text;

namespace Tessera.Bench.Join;

/// <summary>
/// Memory under a history flood: one member posts large chats, then many clients join the
/// group (each is sent the history) and hold their connections without reading further, then
/// all leave. Prints the server's resident memory at each step, to show whether what a
/// misbehaving member can make the server hold is bounded and given back.
/// </summary>
public sealed class HistoryFlood(Uri wsUrl, int serverPid)
{
    public async Task RunAsync(string group, int chats, int chatBytes, int joiners, int concurrency)
    {
        Console.WriteLine($"history flood: {chats} chats of {chatBytes:N0} bytes, then {joiners} joiners; load {LoadAverage.Now()}");
        Report("baseline");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = timeout.Token;

        await using var poster = await BenchConnection.OpenAsync(wsUrl, ct);
        await poster.SendAsync(Wire.PasswordJoin(group, "poster", Fixture.Password), ct);
        await poster.WaitJoinedAsync(ct);
        var text = new string('h', chatBytes);
        for (var i = 0; i < chats; i++)
            await poster.SendAsync(Encoding.UTF8.GetBytes($$"""{"type":"chat","kind":"","noecho":true,"value":"{{i}}{{text}}"}"""), ct);
        // A ping answered proves every chat was handled; errors on the way say how many were refused.
        await poster.SendAsync("""{"type":"ping"}"""u8.ToArray(), ct);
        var refused = 0;
        while (true)
        {
            var m = Encoding.UTF8.GetString((await poster.ReceiveAsync(ct)).Span);
            if (m.Contains("\"pong\"")) break;
            if (m.Contains("\"error\"")) refused++;
        }
        Console.WriteLine($"  {chats - refused} chats accepted, {refused} refused");
        Report("after the chats");

        var connections = new List<BenchConnection>();
        var joined = 0;
        var failed = new Dictionary<string, int>();
        using var gate = new SemaphoreSlim(concurrency);
        var peak = 0L;
        var tasks = Enumerable.Range(0, joiners).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var c = await BenchConnection.OpenAsync(wsUrl, ct);
                lock (connections) connections.Add(c);
                await c.SendAsync(Wire.PasswordJoin(group, "joiner" + i, Fixture.Password), ct);
                var (kind, value) = await c.WaitJoinedAsync(ct);
                lock (connections)
                {
                    if (kind == "join") joined++;
                    else failed[value ?? kind ?? "?"] = failed.GetValueOrDefault(value ?? kind ?? "?") + 1;
                }
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
            {
                lock (connections) failed[e.GetType().Name] = failed.GetValueOrDefault(e.GetType().Name) + 1;
            }
            finally
            {
                gate.Release();
                Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), Rss()));
            }
        });
        await Task.WhenAll(tasks);
        Console.WriteLine($"  {joined} joined, failures: {(failed.Count == 0 ? "none" : string.Join(", ", failed.Select(f => $"{f.Value} x {f.Key}")))}");
        Console.WriteLine($"  peak RSS while joining {peak / 1e6:0} MB");
        Report("all joined, not reading");

        foreach (var c in connections) await c.DisposeAsync();
        await poster.DisposeAsync();
        for (var s = 1; s <= 70; s++)
        {
            await Task.Delay(1000, CancellationToken.None);
            if (s is 2 or 10 or 35 or 70) Report($"{s} s after everyone left");
        }
    }

    private void Report(string when) => Console.WriteLine($"  RSS {when}: {Rss() / 1e6:0} MB (load {LoadAverage.Now()})");

    private long Rss()
    {
        foreach (var line in File.ReadLines($"/proc/{serverPid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }
}
