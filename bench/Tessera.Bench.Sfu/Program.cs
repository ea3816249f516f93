using System.Diagnostics;
using Tessera.Bench.Sfu;

// SFU load benchmark: N publishers × M subscribers through the real tessera executable.
var options = Options.Parse(args);
ThreadPool.SetMinThreads(Math.Max(16, Environment.ProcessorCount * 4), 16);
if (options.IsWorkerProcess)
    return await WorkerHost.RunAsync(options);
Console.WriteLine($"SFU bench: {options.Publishers} publishers × {options.Subscribers} subscribers, video {options.VideoBitrate / 1000} kbit/s " +
    $"({Publisher.VideoPacketSize} B packets) + audio {Publisher.AudioPacketsPerSecond} pkt/s × {Publisher.AudioPacketSize} B, " +
    $"warm-up {options.Warmup} s, window {options.Seconds} s, " +
    (options.Workers == 0 ? "load client in this process" : $"load client in {options.Workers} worker process(es)"));

using var server = new ServerProcess(options.ServerDll);
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(10));
await server.WaitReadyAsync();
// The idle server's own consumption (timers, GC, runtime), to tell fixed cost from per-packet cost.
long idleBefore = server.CpuMicroseconds();
var idleWatch = Stopwatch.StartNew();
await Task.Delay(TimeSpan.FromSeconds(2));
double idleFraction = (server.CpuMicroseconds() - idleBefore) / (idleWatch.Elapsed.TotalSeconds * 1e6);
var endpoint = new Uri($"ws://127.0.0.1:{server.Port}/ws");
// --workers 0 (the default): the whole load in this process, as before worker processes existed.
List<ILoadWorker> workers = options.Workers == 0
    ? [new LoadWorker(options, endpoint, 0, 1)]
    : Enumerable.Range(0, options.Workers).Select(k => (ILoadWorker)new RemoteWorker(options, server.Port, k, options.Workers)).ToList();
// The load client's CPU: this process (which only coordinates when there are workers) and every worker process.
int[] loadPids = workers.Select(w => w.Pid).Append(Environment.ProcessId).Distinct().ToArray();
int exitCode = 0;
try
{
    var setup = Stopwatch.StartNew();
    await Task.WhenAll(workers.Select(w => w.ConnectPublishersAsync()));
    Console.WriteLine($"publishers connected in {setup.Elapsed.TotalSeconds:F1} s");
    // The server's memory with the publishers only, so that what the subscribers add can be told apart.
    long residentBeforeSubscribers = ProcStat.ResidentBytes(server.Pid);
    await Task.WhenAll(workers.Select(w => w.ConnectSubscribersAsync()));
    int wanted = options.Publishers * options.Subscribers;
    var deadline = Stopwatch.StartNew();
    int connected = 0;
    // Full-rate media once the down streams are up, so that the handshakes do not compete with the load.
    while ((connected = await ConnectedStreamsAsync()) < wanted && deadline.Elapsed < TimeSpan.FromSeconds(30))
        await Task.Delay(200);
    Console.WriteLine($"down streams connected: {connected}/{wanted} after {setup.Elapsed.TotalSeconds:F1} s");
    await Task.WhenAll(workers.Select(w => w.StartSendingAsync()));

    await Task.Delay(TimeSpan.FromSeconds(options.Warmup));
    var plain = await MeasureAsync();
    long residentReceiving = ProcStat.ResidentBytes(server.Pid);
    Window? recording = null;
    SignallingClient? op = null;
    if (options.Record)
    {
        // The same streams again, now recorded: an operator joins and sends record.
        op = new SignallingClient();
        await op.JoinAsync(endpoint, ServerProcess.Group, ServerProcess.Operator, cancel.Token);
        await op.SendAsync(new System.Text.Json.Nodes.JsonObject { ["type"] = "groupaction", ["kind"] = "record" });
        await Task.Delay(TimeSpan.FromSeconds(options.Warmup));
        recording = await MeasureAsync();
    }

    Console.WriteLine();
    Console.WriteLine(recording is null ? "| metric | value |" : "| metric | not recorded | recorded |");
    Console.WriteLine(recording is null ? "|---|---|" : "|---|---|---|");
    void Row(string metric, Func<Window, string> value) =>
        Console.WriteLine(recording is null ? $"| {metric} | {value(plain)} |" : $"| {metric} | {value(plain)} | {value(recording)} |");
    Console.WriteLine($"| configuration | {options.Publishers} pub × {options.Subscribers} sub, {options.VideoBitrate / 1000} kbit/s video + audio |{(recording is null ? "" : " |")}");
    Console.WriteLine($"| down streams connected | {connected}/{wanted} |{(recording is null ? "" : " |")}");
    Row("published packets/s (total)", w => $"{w.Published / w.Seconds:F0}");
    Row("forwarded packets/s received", w => $"{w.Received / w.Seconds:F0}");
    Row($"delivered (received / expected, {options.Drain} s drain)", w =>
        $"{w.Received}/{w.Expected} ({(w.Expected == 0 ? 0 : 100.0 * w.Received / w.Expected):F2} %, missing {(w.Expected == 0 ? 0 : 100.0 - 100.0 * w.Received / w.Expected):F2} %)");
    Row("loss as counter gaps inside tracks", w => $"{w.GapLoss * 100:F3} % over {w.Tracks} tracks");
    Row("UDP datagrams dropped at full receive buffers (whole machine)", w => $"{w.UdpDrops} ({w.UdpDrops / w.Seconds:F0}/s)");
    Row("latency p50 / p99", w => $"{w.P50 / 1000:F2} ms / {w.P99 / 1000:F2} ms");
    Row("server CPU", w => $"{w.ServerCpu / w.Seconds / 1e4:F1} % of one core");
    Row("**server CPU per forwarded packet**", w => $"**{(w.Received == 0 ? double.NaN : w.ServerCpu / w.Received):F2} µs**");
    Row("of which user / kernel per packet", w => $"{w.User / (double)Math.Max(1, w.Received):F2} µs / {w.System / (double)Math.Max(1, w.Received):F2} µs");
    Row($"server CPU per packet above idle ({idleFraction * 100:F1} % idle)", w =>
        $"{(w.Received == 0 ? double.NaN : (w.ServerCpu - idleFraction * w.Seconds * 1e6) / w.Received):F2} µs");
    Row("server context switches per forwarded packet", w => $"{(w.Received == 0 ? double.NaN : (double)w.Switches / w.Received):F2} ({w.Switches / w.Seconds:F0}/s)");
    Console.WriteLine($"| server RSS: publishers only / all receiving | {residentBeforeSubscribers / 1e6:F1} MB / {residentReceiving / 1e6:F1} MB |{(recording is null ? "" : " |")}");
    // With one publisher this is the memory of a member receiving one video (and one audio) stream.
    Console.WriteLine($"| **server RSS per subscriber** ({options.Publishers} stream(s) each) | **{(residentReceiving - residentBeforeSubscribers) / 1024.0 / options.Subscribers:F0} KB** |{(recording is null ? "" : " |")}");
    Row($"load client CPU ({(options.Workers == 0 ? "one process" : $"{options.Workers} worker processes + coordinator")})", w =>
        $"{w.Self / w.Seconds / 1e4:F1} % of one core, {(w.Received == 0 ? double.NaN : (double)w.Self / w.Received):F2} µs per received packet");
    Row("load client managed allocation (window + drain)", w => $"{w.Allocated / 1e6:F1} MB, {(w.Received == 0 ? double.NaN : (double)w.Allocated / w.Received):F1} B per received packet");
    Row("load average (1/5/15 min)", w => w.Load);
    Row("recordings written", w => $"{w.RecordingBytes / w.Seconds / 1e6:F2} MB/s in {w.RecordingFiles} files");
    if (recording is not null)
    {
        // Every published packet is a frame here (one packet each), and every one is recorded.
        double extra = recording.ServerCpu / recording.Seconds - plain.ServerCpu / plain.Seconds; // µs per second
        Console.WriteLine($"| **server CPU per recorded packet** (extra CPU / published packets) | **{extra / (recording.Published / recording.Seconds):F2} µs** | |");
    }
    Row("undecryptable packets", w => $"{w.Undecryptable}");
    if (op is not null)
        await op.DisposeAsync();
}
catch (Exception e)
{
    Console.Error.WriteLine($"bench failed: {e}");
    exitCode = 1;
}
finally
{
    cancel.Cancel();
    foreach (var w in workers)
        await w.DisposeAsync();
}
return exitCode;

async Task<int> ConnectedStreamsAsync() => (await Task.WhenAll(workers.Select(w => w.ConnectedStreamsAsync()))).Sum();

// One measured window on the streams as they are. Its edges are fixed ahead in Stopwatch ticks
// (CLOCK_MONOTONIC, shared by every process here) and sent to every worker before it opens, so
// the workers count exactly the packets stamped inside it and /proc is read at its edges.
async Task<Window> MeasureAsync()
{
    long start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
    long end = start + options.Seconds * Stopwatch.Frequency;
    await Task.WhenAll(workers.Select(w => w.OpenWindowAsync(start, end)));
    await DelayUntil(start);
    long switchesBefore = ProcStat.ContextSwitches(server.Pid);
    var (userBefore, systemBefore) = ProcStat.UserSystemMicroseconds(server.Pid);
    long selfBefore = loadPids.Sum(ProcStat.CpuMicroseconds);
    long bytesBefore = RecordingBytes(server.Recordings).Bytes;
    long dropsBefore = ProcStat.UdpReceiveBufferDrops();
    long readAt = Stopwatch.GetTimestamp();
    await DelayUntil(end);
    var (userAfter, systemAfter) = ProcStat.UserSystemMicroseconds(server.Pid);
    long switches = ProcStat.ContextSwitches(server.Pid) - switchesBefore;
    long selfAfter = loadPids.Sum(ProcStat.CpuMicroseconds);
    var (bytesAfter, files) = RecordingBytes(server.Recordings);
    long drops = ProcStat.UdpReceiveBufferDrops() - dropsBefore;
    // The CPU readings span [readAt, now]; the packets span [start, end): both are the window's length give or take a /proc read.
    double seconds = Stopwatch.GetElapsedTime(readAt).TotalSeconds;
    // Let packets in flight at the end of the window land before we stop counting.
    await Task.Delay(TimeSpan.FromSeconds(options.Drain));
    var r = WorkerReport.Merge(await Task.WhenAll(workers.Select(w => w.CloseWindowAsync())));
    return new Window(seconds, r.Published, r.Received, r.Published * options.Subscribers, r.GapLoss, r.Tracks,
        r.Percentile(0.50), r.Percentile(0.99), userAfter - userBefore, systemAfter - systemBefore,
        switches, selfAfter - selfBefore, ProcStat.LoadAverage(), bytesAfter - bytesBefore, files, r.Undecryptable, r.AllocatedBytes, drops);
}

static Task DelayUntil(long ticks)
{
    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), ticks);
    return wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;
}

static (long Bytes, int Files) RecordingBytes(string folder)
{
    if (!Directory.Exists(folder))
        return (0, 0);
    var files = new DirectoryInfo(folder).GetFiles("*.webm", SearchOption.AllDirectories);
    return (files.Sum(f => f.Length), files.Length);
}

/// <summary>What one measured window saw.</summary>
internal sealed record Window(double Seconds, long Published, long Received, long Expected, double GapLoss, int Tracks,
    double P50, double P99, long User, long System, long Switches, long Self, string Load, long RecordingBytes, int RecordingFiles, long Undecryptable, long Allocated, long UdpDrops)
{
    public double ServerCpu => User + System;
}
