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
    // The server's memory with the publishers only, so that what the subscribers add can be told apart.
    long residentBeforeSubscribers = ProcStat.ResidentBytes(server.Pid);
    await Task.WhenAll(subscribers.Select(s => s.StartAsync(endpoint)));
    int wanted = options.Publishers;
    var deadline = Stopwatch.StartNew();
    while (subscribers.Any(s => s.ConnectedStreams < wanted) && deadline.Elapsed < TimeSpan.FromSeconds(120))
        await Task.Delay(200);
    int connected = subscribers.Sum(s => s.ConnectedStreams);
    Console.WriteLine($"down streams connected: {connected}/{wanted * options.Subscribers} after {setup.Elapsed.TotalSeconds:F1} s");

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
        recorder.Reset();
        recording = await MeasureAsync();
    }

    Console.WriteLine();
    Console.WriteLine(recording is null ? "| metric | value |" : "| metric | not recorded | recorded |");
    Console.WriteLine(recording is null ? "|---|---|" : "|---|---|---|");
    void Row(string metric, Func<Window, string> value) =>
        Console.WriteLine(recording is null ? $"| {metric} | {value(plain)} |" : $"| {metric} | {value(plain)} | {value(recording)} |");
    Console.WriteLine($"| configuration | {options.Publishers} pub × {options.Subscribers} sub, {options.VideoBitrate / 1000} kbit/s video + audio |{(recording is null ? "" : " |")}");
    Console.WriteLine($"| down streams connected | {connected}/{wanted * options.Subscribers} |{(recording is null ? "" : " |")}");
    Row("published packets/s (total)", w => $"{w.Published / w.Seconds:F0}");
    Row("forwarded packets/s received", w => $"{w.Received / w.Seconds:F0}");
    Row($"delivered (received / expected, {options.Drain} s drain)", w =>
        $"{w.Received}/{w.Expected} ({(w.Expected == 0 ? 0 : 100.0 * w.Received / w.Expected):F2} %, missing {(w.Expected == 0 ? 0 : 100.0 - 100.0 * w.Received / w.Expected):F2} %)");
    Row("loss as counter gaps inside tracks", w => $"{w.GapLoss * 100:F3} % over {w.Tracks} tracks");
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
    Row("load client CPU", w => $"{w.Self / w.Seconds / 1e4:F1} % of one core");
    Row("load average (1/5/15 min)", w => w.Load);
    Row("recordings written", w => $"{w.RecordingBytes / w.Seconds / 1e6:F2} MB/s in {w.RecordingFiles} files");
    if (recording is not null)
    {
        // Every published packet is a frame here (one packet each), and every one is recorded.
        double extra = recording.ServerCpu / recording.Seconds - plain.ServerCpu / plain.Seconds; // µs per second
        Console.WriteLine($"| **server CPU per recorded packet** (extra CPU / published packets) | **{extra / (recording.Published / recording.Seconds):F2} µs** | |");
    }
    Console.WriteLine($"| undecryptable packets | {subscribers.Sum(s => s.Undecryptable)} |{(recording is null ? "" : " |")}");
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
    Volatile.Write(ref sending, false);
    cancel.Cancel();
    foreach (var s in subscribers)
        await s.DisposeAsync();
    foreach (var p in publishers)
        await p.DisposeAsync();
}
return exitCode;

// One measured window on the streams as they are.
async Task<Window> MeasureAsync()
{
    long switchesBefore = ProcStat.ContextSwitches(server.Pid);
    var (userBefore, systemBefore) = ProcStat.UserSystemMicroseconds(server.Pid);
    long selfBefore = ProcStat.CpuMicroseconds(Environment.ProcessId);
    long bytesBefore = RecordingBytes(server.Recordings).Bytes;
    var window = Stopwatch.StartNew();
    recorder.OpenWindow(Stopwatch.GetTimestamp());
    long sentBefore = publishers.Sum(p => p.Sent); // right at the window edge: /proc reads above take a while
    await Task.Delay(TimeSpan.FromSeconds(options.Seconds));
    recorder.CloseWindow(Stopwatch.GetTimestamp());
    long sentAfter = publishers.Sum(p => p.Sent);
    var (userAfter, systemAfter) = ProcStat.UserSystemMicroseconds(server.Pid);
    long switches = ProcStat.ContextSwitches(server.Pid) - switchesBefore;
    long selfAfter = ProcStat.CpuMicroseconds(Environment.ProcessId);
    var (bytesAfter, files) = RecordingBytes(server.Recordings);
    double seconds = window.Elapsed.TotalSeconds;
    // Let packets in flight at the end of the window land before we stop counting.
    await Task.Delay(TimeSpan.FromSeconds(options.Drain));
    recorder.Measuring = false;
    Recorder.Track[] tracks;
    lock (recorder.Tracks)
        tracks = recorder.Tracks.ToArray();
    long gapExpected = tracks.Sum(t => t.Expected), gapReceived = tracks.Sum(t => t.Count);
    return new Window(seconds, sentAfter - sentBefore, recorder.Received, (sentAfter - sentBefore) * options.Subscribers,
        gapExpected == 0 ? double.NaN : 1 - (double)gapReceived / gapExpected, tracks.Length,
        recorder.Percentile(0.50), recorder.Percentile(0.99), userAfter - userBefore, systemAfter - systemBefore,
        switches, selfAfter - selfBefore, ProcStat.LoadAverage(), bytesAfter - bytesBefore, files);
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
    double P50, double P99, long User, long System, long Switches, long Self, string Load, long RecordingBytes, int RecordingFiles)
{
    public double ServerCpu => User + System;
}
