// Measures what a WHIP session costs the server: the latency of POST (join + answer) and DELETE
// (leave) over real HTTP on loopback against an in-process host, and the memory a few held
// sessions take. Prints the machine's load average, since other work on it skews every figure.
// Usage: dotnet run -c Release --project bench/Tessera.Bench.Whip [cycles]
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Tessera.Server.Hosting;
using Tessera.Server.Whip;

var cycles = args.Length > 0 ? int.Parse(args[0]) : 300;
var root = Path.Combine(Path.GetTempPath(), "tessera-bench-whip-" + Guid.NewGuid().ToString("N"));
var options = new ServerOptions
{
    Http = "127.0.0.1:0", Data = Path.Combine(root, "data"), Groups = Path.Combine(root, "groups"),
    Static = Path.Combine(root, "static"), Insecure = true, IceAddresses = ["127.0.0.1"],
};
Directory.CreateDirectory(options.Groups);
Directory.CreateDirectory(options.StaticRoot);
File.WriteAllText(Path.Combine(options.Groups, "stage.json"), """{"wildcard-user": {"password": "", "permissions": "present"}}""");
var app = TesseraHost.Build(options, logging => logging.SetMinimumLevel(LogLevel.Warning));
await app.StartAsync();
try
{
    using var http = new HttpClient { BaseAddress = TesseraHost.BoundAddress(app) };
    var offer = Offer();
    async Task<string> PostAsync()
    {
        using var content = new StringContent(offer, Encoding.UTF8);
        content.Headers.ContentType = new("application/sdp");
        using var response = await http.PostAsync("/group/stage/.whip", content);
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"POST: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!.OriginalString;
    }
    async Task DeleteAsync(string location)
    {
        using var response = await http.DeleteAsync(location);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"DELETE: {(int)response.StatusCode}");
    }

    for (var i = 0; i < 30; i++) await DeleteAsync(await PostAsync()); // warm-up (JIT, connection)

    var posts = new List<double>();
    var deletes = new List<double>();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    for (var i = 0; i < cycles; i++)
    {
        var started = Stopwatch.GetTimestamp();
        var location = await PostAsync();
        posts.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        started = Stopwatch.GetTimestamp();
        await DeleteAsync(location);
        deletes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
    var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    Console.WriteLine($"WHIP sessions, {cycles} POST+DELETE cycles one after another on loopback ({Environment.ProcessorCount} CPUs, load average {LoadAverage()})");
    Console.WriteLine($"  POST   (join + answer): median {Percentile(posts, 50):F2} ms, p95 {Percentile(posts, 95):F2} ms, max {posts.Max():F2} ms");
    Console.WriteLine($"  DELETE (leave):         median {Percentile(deletes, 50):F2} ms, p95 {Percentile(deletes, 95):F2} ms");
    Console.WriteLine($"  process CPU per cycle (client included): {cpuUsed.TotalMilliseconds / cycles:F2} ms; {cycles / wall.Elapsed.TotalSeconds:F0} cycles/s");

    // Memory of sessions held open (as many as one address may hold), media never connecting.
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var held = new List<string>();
    for (var i = 0; i < WhipSessions.MaxPerAddress; i++) held.Add(await PostAsync());
    var after = GC.GetTotalMemory(forceFullCollection: true);
    Console.WriteLine($"  managed memory per held session: {(after - before) / WhipSessions.MaxPerAddress / 1024.0:F0} KiB (load average {LoadAverage()})");
    foreach (var location in held) await DeleteAsync(location);
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    try { Directory.Delete(root, recursive: true); } catch (IOException) { }
}

static double Percentile(List<double> values, int percent)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1)];
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

// An encoder's offer: Opus and VP8, bundled, as OBS-like clients send (fingerprint of no real key: the media never connects here).
static string Offer() => string.Join("\r\n",
    "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=ice-ufrag:Ab1c", "a=ice-pwd:q8Zr2Kp0Wm4Tn6Vb1Xc3Yd5E",
    "a=fingerprint:sha-256 3A:96:6D:57:B2:C2:C7:61:A0:46:3E:1C:97:39:D3:F7:0A:88:A0:B1:EC:03:FB:10:A5:5D:3A:37:AB:DD:02:AA",
    "a=setup:actpass", "a=mid:0", "a=sendonly", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=ssrc:1001 cname:enc",
    "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=ice-ufrag:Ab1c", "a=ice-pwd:q8Zr2Kp0Wm4Tn6Vb1Xc3Yd5E",
    "a=fingerprint:sha-256 3A:96:6D:57:B2:C2:C7:61:A0:46:3E:1C:97:39:D3:F7:0A:88:A0:B1:EC:03:FB:10:A5:5D:3A:37:AB:DD:02:AA",
    "a=setup:actpass", "a=mid:1", "a=sendonly", "a=rtcp-mux", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
    "a=ssrc:1002 cname:enc", "");
