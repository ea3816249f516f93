using System.Diagnostics;
using Tessera.Bench.Sfu;
using Tessera.Bench.SfuFloor;

// The floor under tessera's forwarding: see README.md. "forward P S PORTS" is the child process.
if (args.Length == 4 && args[0] == "forward")
    return Forwarder.Run(int.Parse(args[1]), int.Parse(args[2]), args[3].Split(',').Select(int.Parse).ToList());

var options = Options.Parse(args);
Console.WriteLine($"SFU floor: {options.Publishers} publishers × {options.Subscribers} subscribers, video {options.VideoBitrate / 1000} kbit/s " +
    $"({Generator.VideoPacketSize} B packets) + audio {Generator.AudioPacketsPerSecond} pkt/s × {Generator.AudioPacketSize} B, " +
    $"warm-up {options.Warmup} s, window {options.Seconds} s");
using var sinks = new Sinks(options.Publishers * options.Subscribers);
using var forwarder = new ForwarderProcess(options.Publishers, options.Subscribers, sinks.Ports);
// The idle forwarder's own consumption (runtime threads), to tell fixed cost from per-packet cost.
await Task.Delay(TimeSpan.FromSeconds(1)); // past its start-up
long idleBefore = ProcStat.CpuMicroseconds(forwarder.Pid);
var idleWatch = Stopwatch.StartNew();
await Task.Delay(TimeSpan.FromSeconds(2));
double idleFraction = (ProcStat.CpuMicroseconds(forwarder.Pid) - idleBefore) / (idleWatch.Elapsed.TotalSeconds * 1e6);

using var generator = new Generator(options.Publishers, options.VideoBitrate, forwarder.Port);
generator.Start();
await Task.Delay(TimeSpan.FromSeconds(options.Warmup));

long switchesBefore = ProcStat.ContextSwitches(forwarder.Pid);
var (userBefore, systemBefore) = ProcStat.UserSystemMicroseconds(forwarder.Pid);
long selfBefore = ProcStat.CpuMicroseconds(Environment.ProcessId);
var window = Stopwatch.StartNew();
uint start = Clock.Microseconds();
sinks.OpenWindow(start);
generator.OpenWindow(start);
await Task.Delay(TimeSpan.FromSeconds(options.Seconds));
uint end = Clock.Microseconds();
generator.CloseWindow(end);
sinks.CloseWindow(end);
var (userAfter, systemAfter) = ProcStat.UserSystemMicroseconds(forwarder.Pid);
long switches = ProcStat.ContextSwitches(forwarder.Pid) - switchesBefore;
long self = ProcStat.CpuMicroseconds(Environment.ProcessId) - selfBefore;
string load = ProcStat.LoadAverage();
double seconds = window.Elapsed.TotalSeconds;
// Let packets in flight at the end of the window land before we stop counting.
await Task.Delay(TimeSpan.FromSeconds(options.Drain));
sinks.StopMeasuring();

long published = generator.SentInWindow, expected = published * options.Subscribers, received = sinks.Received;
long user = userAfter - userBefore, system = systemAfter - systemBefore, cpu = user + system;
Console.WriteLine();
Console.WriteLine("| metric | value |");
Console.WriteLine("|---|---|");
Console.WriteLine($"| configuration | {options.Publishers} pub × {options.Subscribers} sub, {options.VideoBitrate / 1000} kbit/s video + audio |");
Console.WriteLine($"| published packets/s (total) | {published / seconds:F0} |");
Console.WriteLine($"| forwarded packets/s received | {received / seconds:F0} |");
Console.WriteLine($"| delivered (received / expected, {options.Drain} s drain) | {received}/{expected} ({(expected == 0 ? 0 : 100.0 * received / expected):F2} %, missing {(expected == 0 ? 0 : 100.0 - 100.0 * received / expected):F2} %) |");
Console.WriteLine($"| latency p50 / p99 | {sinks.Percentile(0.50) / 1000:F2} ms / {sinks.Percentile(0.99) / 1000:F2} ms |");
Console.WriteLine($"| forwarder CPU | {cpu / seconds / 1e4:F1} % of one core |");
Console.WriteLine($"| **forwarder CPU per forwarded packet** | **{(received == 0 ? double.NaN : (double)cpu / received):F2} µs** |");
Console.WriteLine($"| of which user / kernel per packet | {user / (double)Math.Max(1, received):F2} µs / {system / (double)Math.Max(1, received):F2} µs |");
Console.WriteLine($"| forwarder CPU per packet above idle ({idleFraction * 100:F1} % idle) | {(received == 0 ? double.NaN : (cpu - idleFraction * seconds * 1e6) / received):F2} µs |");
Console.WriteLine($"| forwarder context switches per forwarded packet | {(received == 0 ? double.NaN : (double)switches / received):F2} ({switches / seconds:F0}/s) |");
Console.WriteLine($"| load client CPU (generator + sinks) | {self / seconds / 1e4:F1} % of one core |");
Console.WriteLine($"| load average (1/5/15 min) | {load} |");
return 0;
