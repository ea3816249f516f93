using System.CommandLine;
using Tessera.Server.Hosting;

var http = new Option<string>("--http") { Description = "listen address ADDRESS:PORT", DefaultValueFactory = _ => "0.0.0.0:8443" };
var data = new Option<string>("--data") { Description = "data directory (config.json, cert.pem, key.pem, var/)", DefaultValueFactory = _ => "./data" };
var groups = new Option<string>("--groups") { Description = "group description directory", DefaultValueFactory = _ => "./groups" };
var statics = new Option<string?>("--static") { Description = "serve the web client from this directory instead of the built-in one" };
var insecure = new Option<bool>("--insecure") { Description = "plain HTTP instead of HTTPS" };
var relayOnly = new Option<bool>("--relay-only") { Description = "tell clients to use TURN relays only" };
var udpRange = new Option<string?>("--udp-range") { Description = "UDP port (N) or range (MIN-MAX) for media; default: one port chosen by the system" };
var iceAddress = new Option<string[]>("--ice-address")
{
    Description = "address offered to clients as an ICE host candidate (repeatable or comma-separated); default: all local non-loopback addresses",
    AllowMultipleArgumentsPerToken = false,
};
var demo = new Option<bool>("--demo") { Description = "run on a fresh demo data directory, plain HTTP on 127.0.0.1:8443 unless --http says otherwise" };

var root = new RootCommand("Tessera: a Galène-compatible videoconferencing server")
{
    http, data, groups, statics, insecure, relayOnly, udpRange, iceAddress, demo,
};
root.SetAction(async (result, cancellationToken) =>
{
    var options = new ServerOptions
    {
        Http = result.GetValue(http)!,
        Data = result.GetValue(data)!,
        Groups = result.GetValue(groups)!,
        Static = result.GetValue(statics),
        Insecure = result.GetValue(insecure),
        RelayOnly = result.GetValue(relayOnly),
        UdpRange = result.GetValue(udpRange),
        IceAddresses = result.GetValue(iceAddress) ?? [],
    };
    if (result.GetValue(demo))
    {
        var listen = result.GetResult(http) is { Implicit: false } ? options.Http : "127.0.0.1:8443";
        options = DemoData.Create() with { Http = listen, Insecure = true, Static = options.Static, UdpRange = options.UdpRange, IceAddresses = options.IceAddresses };
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
    await app.StartAsync(cancellationToken);
    var url = TesseraHost.BoundAddress(app);
    Console.WriteLine($"Tessera listening on {url}");
    if (result.GetValue(demo)) DemoData.PrintWelcome(url, options);
    await app.WaitForShutdownAsync(cancellationToken);
    return 0;
});
return await root.Parse(args).InvokeAsync();
