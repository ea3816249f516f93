using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tessera.Bench.Sfu;
using Tessera.Bench.Turn;
using Tessera.Media.Turn;

// CPU per relayed packet of a TURN server carrying a conference whose every browser is relay-only:
// P publishers each send a video-like stream (R packets/s of S bytes) through their allocation to
// the SFU, which sends each packet back to S subscribers through theirs, as the SFU would. The
// SFU here is a UDP socket of this program doing that fan-out, so the relay's process is measured
// alone: its CPU time (user + system, from /proc) over the relayed packets counted at both ends.
//
//   dotnet run -c Release --project bench/Tessera.Bench.Turn [-- builtin|coturn|both [publishers subscribers rate seconds]]

if (args is ["serve", var servePort, var servePassword])
    return Serve(int.Parse(servePort), servePassword);

string which = args.Length > 0 ? args[0] : "both";
int publishers = args.Length > 1 ? int.Parse(args[1]) : 10;
int subscribersEach = args.Length > 2 ? int.Parse(args[2]) : 10;
int rate = args.Length > 3 ? int.Parse(args[3]) : 100;
int seconds = args.Length > 4 ? int.Parse(args[4]) : 10;
const int PayloadBytes = 1000;
const string Username = "bench";
const string Password = "bench-password";

Console.WriteLine($"{publishers} publishers x {subscribersEach} relay-only subscribers each, {rate} packets/s of {PayloadBytes} bytes per publisher, {seconds} s measured");
foreach (var relay in which == "both" ? new[] { "builtin", "coturn" } : [which])
{
    int port = FreePort();
    using var server = relay == "builtin" ? RelayProcess.BuiltIn(port, Password) : RelayProcess.Coturn(port, Username, Password);
    var result = Run(new IPEndPoint(IPAddress.Loopback, port), server.Pid, relay == "builtin" ? BuiltInTurn.Username : Username);
    Console.WriteLine($"{relay,-8} relayed {result.Packets,9:N0} packets ({result.Packets / (double)seconds,8:N0}/s): "
        + $"CPU {result.UserMicroseconds / 1e6:F2} s user + {result.SystemMicroseconds / 1e6:F2} s system = "
        + $"{(result.UserMicroseconds + result.SystemMicroseconds) / (double)result.Packets:F2} us per relayed packet; "
        + $"lost {result.Lost:P2}; load average {ProcStat.LoadAverage()}");
}
return 0;

(long Packets, long UserMicroseconds, long SystemMicroseconds, double Lost) Run(IPEndPoint server, int pid, string username)
{
    using var sfu = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    sfu.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    sfu.ReceiveBufferSize = 1 << 22;
    var sfuEndPoint = (IPEndPoint)sfu.LocalEndPoint!;
    var senders = new List<BenchTurnClient>();
    var receivers = new List<BenchTurnClient>();
    try
    {
        for (int p = 0; p < publishers; p++)
        {
            var client = new BenchTurnClient(server, username, Password);
            senders.Add(client);
            client.Allocate();
            client.BindChannel(sfuEndPoint);
        }
        for (int s = 0; s < publishers * subscribersEach; s++)
        {
            var client = new BenchTurnClient(server, username, Password);
            receivers.Add(client);
            client.Allocate();
            client.BindChannel(sfuEndPoint); // the permission for the SFU's packets
        }
        // Who the SFU forwards each publisher's packets to: that publisher's subscribers' relayed addresses.
        var fanOut = new Dictionary<SocketAddress, SocketAddress[]>();
        for (int p = 0; p < publishers; p++)
            fanOut[senders[p].Relayed.Serialize()] = receivers.Skip(p * subscribersEach).Take(subscribersEach).Select(r => r.Relayed.Serialize()).ToArray();

        long atSfu = 0, atSubscribers = 0, sent = 0;
        bool counting = false, sending = true;
        using var stop = new CancellationTokenSource();
        var sfuThread = new Thread(() =>
        {
            var buffer = new byte[2048];
            var source = new SocketAddress(AddressFamily.InterNetwork);
            sfu.ReceiveTimeout = 200;
            while (!stop.IsCancellationRequested)
            {
                int n;
                try { n = sfu.ReceiveFrom(buffer, SocketFlags.None, source); }
                catch (SocketException) { continue; }
                if (!fanOut.TryGetValue(source, out var targets)) continue;
                if (Volatile.Read(ref counting)) Interlocked.Increment(ref atSfu);
                foreach (var target in targets)
                    sfu.SendTo(buffer.AsSpan(0, n), SocketFlags.None, target);
            }
        }) { IsBackground = true };
        var receiveThreads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            var mine = receivers.Where((_, i) => i % 2 == t).Select(r => r.Socket).ToList();
            var buffer = new byte[2048];
            while (!stop.IsCancellationRequested)
            {
                var ready = mine.ToList();
                Socket.Select(ready, null, null, 200_000);
                foreach (var socket in ready)
                {
                    while (socket.Available > 0)
                    {
                        socket.Receive(buffer);
                        if (Volatile.Read(ref counting)) Interlocked.Increment(ref atSubscribers);
                    }
                }
            }
        }) { IsBackground = true }).ToList();
        var sendThread = new Thread(() =>
        {
            var message = new byte[4 + PayloadBytes];
            BenchTurnClient.Frame(message, PayloadBytes);
            var clock = Stopwatch.StartNew();
            long ticks = 0;
            while (!stop.IsCancellationRequested)
            {
                // One packet per publisher every 1/rate s, paced on the clock rather than on sleeps.
                long due = (long)(clock.Elapsed.TotalSeconds * rate);
                if (!Volatile.Read(ref sending))
                    ticks = due; // paused: no catching up afterwards
                for (; ticks < due; ticks++)
                    foreach (var sender in senders)
                    {
                        sender.Socket.Send(message);
                        if (Volatile.Read(ref counting)) Interlocked.Increment(ref sent);
                    }
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        sfuThread.Start();
        receiveThreads.ForEach(t => t.Start());
        sendThread.Start();

        // Warm-up (JIT, socket buffers), then a pause that lets the relay drain what is queued, so
        // the measured window holds exactly the packets sent in it: it ends once they have drained.
        Thread.Sleep(TimeSpan.FromSeconds(3));
        Volatile.Write(ref sending, false);
        Thread.Sleep(TimeSpan.FromSeconds(1));
        var (user0, system0) = ProcStat.UserSystemMicroseconds(pid);
        Volatile.Write(ref counting, true);
        Volatile.Write(ref sending, true);
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        Volatile.Write(ref sending, false);
        Thread.Sleep(TimeSpan.FromSeconds(1));
        Volatile.Write(ref counting, false);
        var (user1, system1) = ProcStat.UserSystemMicroseconds(pid);
        stop.Cancel();
        sendThread.Join();
        sfuThread.Join();
        receiveThreads.ForEach(t => t.Join());
        long relayed = Interlocked.Read(ref atSfu) + Interlocked.Read(ref atSubscribers);
        long expected = Interlocked.Read(ref sent) * (1 + subscribersEach);
        return (relayed, user1 - user0, system1 - system0, expected == 0 ? 0 : 1 - relayed / (double)expected);
    }
    finally
    {
        foreach (var client in senders.Concat(receivers))
            client.Dispose();
    }
}

static int FreePort()
{
    using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    return ((IPEndPoint)probe.LocalEndPoint!).Port;
}

// The built-in server alone, on loopback, relaying to loopback peers, with the bench's password.
static int Serve(int port, string password)
{
    var endPoint = new IPEndPoint(IPAddress.Loopback, port);
    using var turn = TurnServer.Start(new TurnServerOptions
    {
        UdpEndPoint = endPoint,
        RelayBindAddress = IPAddress.Loopback,
        Credentials = new LongTermCredentials(BuiltInTurn.Username, password, "tessera"),
        AllowedPeers = new HashSet<IPAddress> { IPAddress.Loopback },
    });
    Console.WriteLine("TURN ready");
    Thread.Sleep(Timeout.Infinite);
    return 0;
}

/// <summary>The username the built-in server gives browsers (Tessera.Server's BuiltInTurn), repeated to keep this benchmark off the server project.</summary>
internal static class BuiltInTurn
{
    public const string Username = "tessera";
}
