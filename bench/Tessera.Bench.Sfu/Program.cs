using System.Diagnostics;
using Tessera.Bench.Sfu;

// SFU load benchmark: N publishers × M subscribers through the real tessera executable.
var options = Options.Parse(args);
ThreadPool.SetMinThreads(Math.Max(16, Environment.ProcessorCount * 4), 16);
Console.WriteLine($"SFU bench: {options.Publishers} publishers × {options.Subscribers} subscribers, video {options.VideoBitrate / 1000} kbit/s " +
    $"({Publisher.VideoPacketSize} B packets) + audio {Publisher.AudioPacketsPerSecond} pkt/s × {Publisher.AudioPacketSize} B, " +
    $"warm-up {options.Warmup} s, window {options.Seconds} s");

using var server = new ServerProcess(options.ServerDll);
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(10));
await server.WaitReadyAsync();
// The idle server's own consumption (timers, GC, runtime), to tell fixed cost from per-packet cost.
long idleBefore = server.CpuMicroseconds();
var idleWatch = Stopwatch.StartNew();
await Task.Delay(TimeSpan.FromSeconds(2));
double idleFraction = (server.CpuMicroseconds() - idleBefore) / (idleWatch.Elapsed.TotalSeconds * 1e6);
var endpoint = new Uri($"ws://127.0.0.1:{server.Port}/ws");
var recorder = new Recorder();
var handshakes = new SemaphoreSlim(4);
var publishers = Enumerable.Range(0, options.Publishers).Select(i => new Publisher(i, options.VideoBitrate)).ToList();
var subscribers = Enumerable.Range(0, options.Subscribers).Select(i => new Subscriber(i, recorder, handshakes, cancel.Token)).ToList();
var sending = true;
var sender = new Thread(() =>
{
    while (Volatile.Read(ref sending))
    {
        foreach (var p in publishers)
            p.SendDue();
        Thread.Sleep(2);
    }
}) { IsBackground = true, Name = "publishers", Priority = ThreadPriority.AboveNormal };
int exitCode = 0;
try
{
    var setup = Stopwatch.StartNew();
    foreach (var p in publishers)
        await p.StartAsync(endpoint, cancel.Token);
    sender.Start();
    Console.WriteLine($"publishers connected in {setup.Elapsed.TotalSeconds:F1} s");
    await Task.WhenAll(subscribers.Select(s => s.StartAsync(endpoint)));
    int wanted = options.Publishers;
    var deadline = Stopwatch.StartNew();
    while (subscribers.Any(s => s.ConnectedStreams < wanted) && deadline.Elapsed < TimeSpan.FromSeconds(120))
        await Task.Delay(200);
    int connected = subscribers.Sum(s => s.ConnectedStreams);
    Console.WriteLine($"down streams connected: {connected}/{wanted * options.Subscribers} after {setup.Elapsed.TotalSeconds:F1} s");

    await Task.Delay(TimeSpan.FromSeconds(options.Warmup));
    long switchesBefore = ProcStat.ContextSwitches(server.Pid);
    var (userBefore, systemBefore) = ProcStat.UserSystemMicroseconds(server.Pid);
    long cpuBefore = userBefore + systemBefore;
    long selfBefore = ProcStat.CpuMicroseconds(Environment.ProcessId);
    var window = Stopwatch.StartNew();
    recorder.OpenWindow(Stopwatch.GetTimestamp());
    long sentBefore = publishers.Sum(p => p.Sent); // right at the window edge: /proc reads above take a while
    await Task.Delay(TimeSpan.FromSeconds(options.Seconds));
    recorder.CloseWindow(Stopwatch.GetTimestamp());
    long sentAfter = publishers.Sum(p => p.Sent);
    var (userAfter, systemAfter) = ProcStat.UserSystemMicroseconds(server.Pid);
    long cpuAfter = userAfter + systemAfter;
    long switches = ProcStat.ContextSwitches(server.Pid) - switchesBefore;
    long selfAfter = ProcStat.CpuMicroseconds(Environment.ProcessId);
    double seconds = window.Elapsed.TotalSeconds;
    // Let packets in flight at the end of the window land before we stop counting.
    await Task.Delay(TimeSpan.FromSeconds(options.Drain));
    recorder.Measuring = false;

    long received = recorder.Received;
    long expected = (sentAfter - sentBefore) * options.Subscribers;
    Recorder.Track[] tracks;
    lock (recorder.Tracks)
        tracks = recorder.Tracks.ToArray();
    long gapExpected = tracks.Sum(t => t.Expected), gapReceived = tracks.Sum(t => t.Count);
    double gapLoss = gapExpected == 0 ? double.NaN : 1 - (double)gapReceived / gapExpected;
    double serverCpu = cpuAfter - cpuBefore;

    Console.WriteLine();
    Console.WriteLine("| metric | value |");
    Console.WriteLine("|---|---|");
    Console.WriteLine($"| configuration | {options.Publishers} pub × {options.Subscribers} sub, {options.VideoBitrate / 1000} kbit/s video + audio |");
    Console.WriteLine($"| down streams connected | {connected}/{wanted * options.Subscribers} |");
    Console.WriteLine($"| published packets/s (total) | {(sentAfter - sentBefore) / seconds:F0} |");
    Console.WriteLine($"| forwarded packets/s received | {received / seconds:F0} |");
    Console.WriteLine($"| delivered (received / expected, {options.Drain} s drain) | {received}/{expected} ({(expected == 0 ? 0 : 100.0 * received / expected):F2} %, missing {(expected == 0 ? 0 : 100.0 - 100.0 * received / expected):F2} %) |");
    Console.WriteLine($"| loss as counter gaps inside tracks | {gapLoss * 100:F3} % over {tracks.Length} tracks |");
    Console.WriteLine($"| latency p50 / p99 | {recorder.Percentile(0.50) / 1000:F2} ms / {recorder.Percentile(0.99) / 1000:F2} ms |");
    Console.WriteLine($"| server CPU | {serverCpu / seconds / 1e4:F1} % of one core |");
    Console.WriteLine($"| **server CPU per forwarded packet** | **{(received == 0 ? double.NaN : serverCpu / received):F2} µs** |");
    Console.WriteLine($"| of which user / kernel per packet | {(userAfter - userBefore) / (double)Math.Max(1, received):F2} µs / {(systemAfter - systemBefore) / (double)Math.Max(1, received):F2} µs |");
    Console.WriteLine($"| server CPU per packet above idle ({idleFraction * 100:F1} % idle) | {(received == 0 ? double.NaN : (serverCpu - idleFraction * seconds * 1e6) / received):F2} µs |");
    Console.WriteLine($"| server context switches per forwarded packet | {(received == 0 ? double.NaN : (double)switches / received):F2} ({switches / seconds:F0}/s) |");
    Console.WriteLine($"| load client CPU | {(selfAfter - selfBefore) / seconds / 1e4:F1} % of one core |");
    Console.WriteLine($"| load average (1/5/15 min) | {ProcStat.LoadAverage()} |");
    Console.WriteLine($"| undecryptable packets | {subscribers.Sum(s => s.Undecryptable)} |");
}
catch (Exception e)
{
    Console.Error.WriteLine($"bench failed: {e}");
    exitCode = 1;
}
finally
{
    Volatile.Write(ref sending, false);
    cancel.Cancel();
    foreach (var s in subscribers)
        await s.DisposeAsync();
    foreach (var p in publishers)
        await p.DisposeAsync();
}
return exitCode;
