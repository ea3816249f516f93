using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Tessera.Bench.Cluster;

// Joins per second through one node (no Redis), one node with Redis, and three nodes sharing a
// Redis; placement latency (a fresh group's first .status) in cluster mode. Every join is what a
// browser does: .status from an entry node (round robin), the WebSocket at its endpoint,
// handshake, join, and a redirect followed if one comes.
var clients = Arg("--clients", 600);
var groups = Arg("--groups", 60);
var concurrency = Arg("--concurrency", 32);
var placements = Arg("--placements", 300);
var root = Directory.CreateTempSubdirectory("tessera-bench-cluster-").FullName;
var dll = ServerDll();
Directory.CreateDirectory(Path.Combine(root, "groups"));
// Each mode has its own groups: a killed node's leases outlive it by up to 5 s.
for (var m = 0; m < 3; m++)
    for (var g = 0; g < groups; g++) WriteGroup($"m{m}g{g}");
for (var p = 0; p < placements * 3; p++) WriteGroup($"p{p}");
Console.WriteLine($"{clients} joins over {groups} groups, {concurrency} at a time; {placements} placements; {Environment.ProcessorCount} cores");
Console.WriteLine($"load average before: {LoadAverage()}");

var redisPort = FreePort();
using var redis = await Launched.StartAsync("Ready to accept connections", "redis-server",
    "--port", redisPort.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
var placementRound = 0;
var mode = -1;
foreach (var (label, nodes, useRedis) in new[] { ("1 node, no Redis", 1, false), ("1 node + Redis", 1, true), ("3 nodes + Redis", 3, true) })
{
    mode++;
    var ports = Enumerable.Range(0, nodes).Select(_ => FreePort()).ToArray();
    var started = new List<Launched>();
    try
    {
        for (var i = 0; i < nodes; i++)
        {
            var data = Path.Combine(root, $"data-{label.Replace(' ', '_')}-{i}");
            Directory.CreateDirectory(data);
            var nodeArgs = new List<string> { dll, "--insecure", "--http", $"127.0.0.1:{ports[i]}", "--data", data, "--groups", Path.Combine(root, "groups"), "--turn", "" };
            if (useRedis) nodeArgs.AddRange(["--redis", $"redis://127.0.0.1:{redisPort}", "--public-url", $"http://127.0.0.1:{ports[i]}"]);
            started.Add(await Launched.StartAsync("listening on", "dotnet", [.. nodeArgs]));
        }
        var entries = ports.Select(p => $"http://127.0.0.1:{p}").ToArray();
        await JoinRound(entries, Math.Min(150 * nodes, clients)); // warm-up of every node: JIT, connection pools
        var (rate, redirects) = await JoinRound(entries, clients);
        Console.WriteLine($"{label,-18} {rate,8:F0} joins/s   ({redirects} redirects followed)   load average {LoadAverage()}");
        if (useRedis)
        {
            var latencies = new List<double>();
            using var http = new HttpClient();
            for (var p = 0; p < placements; p++)
            {
                var clock = Stopwatch.StartNew();
                (await http.GetAsync($"{entries[p % entries.Length]}/group/p{placementRound * placements + p}/.status")).EnsureSuccessStatusCode();
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
            placementRound++;
            latencies.Sort();
            Console.WriteLine($"{"",-18} placement (first .status of a group): p50 {latencies[latencies.Count / 2]:F2} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:F2} ms, max {latencies[^1]:F2} ms");
        }
    }
    finally
    {
        foreach (var s in started) s.Dispose();
    }
}
Console.WriteLine($"load average after: {LoadAverage()}");
Directory.Delete(root, recursive: true);
return 0;

async Task<(double Rate, int Redirects)> JoinRound(string[] entries, int count)
{
    var sockets = new WebSocket?[count];
    var redirects = 0;
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        using var http = new HttpClient();
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            var group = $"m{mode}g{i % groups}";
            var page = $"{entries[i % entries.Length]}/group/{group}/";
            for (var hop = 0; ; hop++)
            {
                var status = JsonNode.Parse(await http.GetStringAsync(page + ".status"))!;
                var socket = new ClientWebSocket();
                await socket.ConnectAsync(new Uri((string)status["endpoint"]!), default);
                await Send(socket, new JsonObject { ["type"] = "handshake", ["version"] = new JsonArray("2"), ["id"] = $"c{i}" });
                await Send(socket, new JsonObject { ["type"] = "join", ["kind"] = "join", ["group"] = group, ["username"] = $"u{i}" });
                var joined = await ReceiveJoined(socket);
                if ((string?)joined["kind"] == "join")
                {
                    sockets[i] = socket;
                    break;
                }
                if ((string?)joined["kind"] != "redirect" || hop > 3) throw new InvalidOperationException("join refused: " + joined.ToJsonString());
                Interlocked.Increment(ref redirects);
                page = (string)joined["value"]!;
                socket.Abort();
                socket.Dispose();
            }
        }
    }));
    var rate = count / clock.Elapsed.TotalSeconds;
    foreach (var s in sockets)
    {
        s?.Abort();
        s?.Dispose();
    }
    return (rate, redirects);
}

static async Task Send(WebSocket socket, JsonObject message) =>
    await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, default);

static async Task<JsonObject> ReceiveJoined(WebSocket socket)
{
    var buffer = new byte[64 * 1024];
    while (true)
    {
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), default);
            length += result.Count;
        } while (!result.EndOfMessage);
        if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("closed before joined");
        var message = JsonNode.Parse(buffer.AsSpan(0, length))!.AsObject();
        if ((string?)message["type"] == "joined") return message;
    }
}

void WriteGroup(string name) =>
    File.WriteAllText(Path.Combine(root, "groups", name + ".json"), """{"wildcard-user": {"password": "", "permissions": "present"}}""");

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
}

static int FreePort()
{
    var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    return port;
}

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static string ServerDll()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) dir = dir.Parent;
    return Path.Combine(dir!.FullName, "src", "Tessera.Server", "bin", "Release", "net10.0", "tessera.dll");
}
