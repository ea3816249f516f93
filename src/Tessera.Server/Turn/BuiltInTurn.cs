using System.Net;
using System.Net.Sockets;
using Tessera.Media.Turn;
using Tessera.Protocol.Config;

namespace Tessera.Server.Turn;

/// <summary>
/// The built-in TURN server as <c>-turn</c> asks for it: where it listens, what browsers are told
/// (an <see cref="IceServerEntry"/> with this run's random password), and whom it relays to: only
/// this host's own addresses, since it exists to carry media to our SFU.
/// </summary>
public sealed class BuiltInTurn : IDisposable
{
    public const string Username = "tessera";
    public const string Realm = "tessera";

    private BuiltInTurn(TurnServer server, IReadOnlyList<IPAddress> advertised, int port)
    {
        Server = server;
        Advertised = advertised;
        var urls = advertised.SelectMany(a => new[] { $"turn:{Host(a)}:{port}", $"turn:{Host(a)}:{port}?transport=tcp" })
            .Concat(server.Tls ? advertised.Select(a => $"turns:{Host(a)}:{port}?transport=tcp") : [])
            .ToList();
        IceServer = new IceServerEntry(urls, server.Credentials.Username, server.Credentials.Password);
    }

    public TurnServer Server { get; }

    /// <summary>The addresses browsers are given.</summary>
    public IReadOnlyList<IPAddress> Advertised { get; }

    /// <summary>The entry added to every <c>rtcConfiguration</c>.</summary>
    public IceServerEntry IceServer { get; }

    /// <summary>
    /// Starts the server when the flag asks for it; null when it does not, or cannot (said in the
    /// log: a TURN server that cannot start must not keep the conference server from starting).
    /// </summary>
    /// <param name="mediaAddresses">The SFU's host candidate addresses.</param>
    /// <param name="certificate">The server's TLS certificate, when it has one: the TCP port then takes <c>turns:</c> too.</param>
    public static BuiltInTurn? Start(TurnFlag flag, string dataDirectory, IReadOnlyList<IPAddress> mediaAddresses,
        Func<System.Security.Cryptography.X509Certificates.X509Certificate2>? certificate, TimeProvider time, ILogger logger)
    {
        if (flag.Mode == TurnMode.Off)
        {
            logger.LogInformation("TURN: no built-in server (--turn \"\")");
            return null;
        }
        if (flag.Mode == TurnMode.Auto && File.Exists(Path.Combine(dataDirectory, "ice-servers.json")))
        {
            logger.LogInformation("TURN: no built-in server, since data/ice-servers.json lists the servers browsers use");
            return null;
        }
        var local = HostAddresses.All();
        var advertised = flag.Address is { } given ? [given] : mediaAddresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork).ToList();
        if (advertised.Count == 0)
        {
            logger.LogError("TURN: no built-in server: there is no IPv4 address to offer browsers (give one with --turn ADDRESS:{Port})", flag.Port);
            return null;
        }
        bool allLocal = advertised.All(a => IPAddress.IsLoopback(a) || local.Contains(a));
        // One local address: listen there only. Several, or a public address in front of a NAT: all IPv4 interfaces.
        var listen = allLocal && advertised.Count == 1 ? advertised[0] : IPAddress.Any;
        // Relay sockets need a real local address (the SFU answers to it); behind a NAT the public one is announced.
        var relayBind = allLocal ? advertised.First(a => a.AddressFamily == AddressFamily.InterNetwork)
            : local.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Any;
        var allowed = new HashSet<IPAddress>(local.Concat(mediaAddresses).Concat(advertised).Append(IPAddress.Loopback));
        var options = new TurnServerOptions
        {
            UdpEndPoint = new IPEndPoint(listen, flag.Port),
            TcpEndPoint = new IPEndPoint(listen, flag.Port),
            RelayBindAddress = relayBind,
            AdvertisedRelayAddress = allLocal ? null : advertised[0],
            Credentials = LongTermCredentials.Random(Username, Realm),
            AllowedPeers = allowed,
            Certificate = certificate,
            TimeProvider = time,
            Logger = logger,
        };
        TurnServer server;
        try
        {
            server = TurnServer.Start(options);
        }
        catch (SocketException e)
        {
            logger.LogError("TURN: the built-in server cannot listen on {Address} port {Port} (UDP and TCP): {Error}; browsers that cannot reach the media port directly will get no media",
                listen, flag.Port, e.SocketErrorCode);
            return null;
        }
        var turn = new BuiltInTurn(server, advertised, flag.Port);
        logger.LogInformation("TURN: built-in server on UDP {Udp} and TCP {Tcp}{Tls}; browsers are told {Urls}; relaying from {Relay} to this host's own addresses only",
            server.UdpEndPoint, server.TcpEndPoint, server.Tls ? " (TLS too)" : "", string.Join(" ", turn.IceServer.Urls),
            options.AdvertisedRelayAddress ?? relayBind);
        return turn;
    }

    private static string Host(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    public void Dispose() => Server.Dispose();
}
