using System.CommandLine;
using Tessera.Server.Hosting;

var http = new Option<string>("--http") { Description = "listen address", HelpName = "ADDRESS:PORT", DefaultValueFactory = _ => "0.0.0.0:8443" };
var data = new Option<string>("--data") { HelpName = "DIR", Description = "data directory (config.json, cert.pem, key.pem, var/)", DefaultValueFactory = _ => "./data" };
var groups = new Option<string>("--groups") { HelpName = "DIR", Description = "group description directory", DefaultValueFactory = _ => "./groups" };
var statics = new Option<string?>("--static") { HelpName = "DIR", Description = "serve the web client from this directory instead of the built-in one" };
var insecure = new Option<bool>("--insecure") { Description = "plain HTTP instead of HTTPS" };
var relayOnly = new Option<bool>("--relay-only") { Description = "tell clients to use TURN relays only" };
var udpRange = new Option<string?>("--udp-range") { HelpName = "PORT|MIN-MAX", Description = "UDP port (N) or range (MIN-MAX) for media; default: one port chosen by the system" };
var iceAddress = new Option<string[]>("--ice-address")
{
    HelpName = "ADDRESS",
    Description = "address offered to clients as an ICE host candidate (repeatable or comma-separated); default: all local non-loopback addresses",
    AllowMultipleArgumentsPerToken = false,
};
var iceTcp = new Option<string>("--ice-tcp")
{
    HelpName = "auto|off|PORT",
    Description = "TCP port for browsers that cannot send UDP (ICE-TCP); auto: the media UDP port's number",
    DefaultValueFactory = _ => Tessera.Server.Streams.IceTcpSetting.AutoValue,
};
var turn = new Option<string>("--turn")
{
    HelpName = "auto|\"\"|:PORT|ADDRESS:PORT",
    Description = "built-in TURN server (UDP and TCP): auto runs it on port 1194 when data/ice-servers.json is absent; \"\" never; ADDRESS may be a public address in front of a 1:1 NAT",
    DefaultValueFactory = _ => Tessera.Server.Turn.TurnFlag.AutoValue,
};
// Galène's own flags for features Tessera lacks: accepted so existing service units start, and reported in the log.
var mdns = new Option<bool>("--mdns") { Description = "accepted for Galène compatibility; not needed by an ICE-lite server" };
var recordings = new Option<string>("--recordings") { HelpName = "DIR", Description = "recordings directory (one folder per group)", DefaultValueFactory = _ => "./recordings" };
var redis = new Option<string?>("--redis") { HelpName = "URL", Description = "cluster mode: the Redis shared by all nodes (redis://host:port); off by default" };
var publicUrl = new Option<string?>("--public-url") { HelpName = "URL", Description = "cluster mode: this node's base URL as clients reach it (https://node1.example.org:8443)" };
var demo = new Option<bool>("--demo") { Description = "run on a fresh demo data directory, plain HTTP on 127.0.0.1:8443 unless --http says otherwise" };

var root = new RootCommand("Tessera: a Galène-compatible videoconferencing server")
{
    http, data, groups, statics, insecure, relayOnly, udpRange, iceAddress, iceTcp, turn, mdns, recordings, redis, publicUrl, demo,
};
root.SetAction(async (result, cancellationToken) =>
{
    var options = new ServerOptions
    {
        Http = result.GetValue(http)!,
        Data = result.GetValue(data)!,
        Groups = result.GetValue(groups)!,
        Recordings = result.GetValue(recordings)!,
        Static = result.GetValue(statics),
        Insecure = result.GetValue(insecure),
        RelayOnly = result.GetValue(relayOnly),
        UdpRange = result.GetValue(udpRange),
        IceAddresses = result.GetValue(iceAddress) ?? [],
        Turn = result.GetValue(turn) ?? "",
        IceTcp = result.GetValue(iceTcp) ?? "",
        Redis = result.GetValue(redis),
        PublicUrl = result.GetValue(publicUrl),
    };
    if (result.GetValue(demo))
    {
        var listen = result.GetResult(http) is { Implicit: false } ? options.Http : "127.0.0.1:8443";
        // The demo runs for browsers on this machine: no TURN server unless -turn was given.
        var demoTurn = result.GetResult(turn) is { Implicit: false } ? options.Turn : "";
        options = DemoData.Create() with
        {
            Http = listen, Insecure = true, Static = options.Static, UdpRange = options.UdpRange, IceAddresses = options.IceAddresses, Turn = demoTurn,
            IceTcp = options.IceTcp,
        };
    }
    WebApplication app;
    try
    {
        app = TesseraHost.Build(options);
    }
    catch (FormatException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    catch (Tessera.Server.Cluster.ClusterUnavailableException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
    new UnsupportedGaleneFlags(result.GetValue(mdns))
        .Report(app.Logger);
    try
    {
        await app.StartAsync(cancellationToken);
        var url = TesseraHost.BoundAddress(app);
        Console.WriteLine($"Tessera listening on {url}");
        if (result.GetValue(demo)) DemoData.PrintWelcome(url, options);
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
    catch (IOException e) // Kestrel's "address already in use", a missing certificate directory…
    {
        Console.Error.WriteLine($"tessera cannot start on {options.Http}: {e.Message}");
        return 1;
    }
    finally
    {
        await app.DisposeAsync();
        if (result.GetValue(demo)) DemoData.Remove(options); // a demo leaves nothing behind
    }
});
// Galène's single-dash spelling of any of these flags is accepted too (see GaleneFlagSpelling).
var longNames = root.Options.Select(o => o.Name.TrimStart('-')).Where(n => n.Length > 1).ToHashSet();
return await root.Parse(GaleneFlagSpelling.ToDoubleDash(args, longNames)).InvokeAsync();
