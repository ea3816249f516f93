using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Media.Dtls;
using Tessera.Media.Transport;

namespace Tessera.Server.Streams;

/// <summary>
/// The host's one UDP multiplexer and DTLS certificate, shared by every peer connection (an SFU
/// multiplexes all peers on one port); disposed with the host.
/// </summary>
public sealed class MediaPlane : IAsyncDisposable
{
    private MediaPlane(UdpMultiplexer multiplexer, IceTcpListener? tcp, DtlsCertificate certificate)
    {
        Multiplexer = multiplexer;
        Tcp = tcp;
        Certificate = certificate;
    }

    public UdpMultiplexer Multiplexer { get; }

    /// <summary>The ICE-TCP listener; null when <c>--ice-tcp off</c> (or its port could not be had).</summary>
    public IceTcpListener? Tcp { get; }
    public DtlsCertificate Certificate { get; }

    /// <param name="ports">The configured port or range; a range takes its first free port.</param>
    /// <param name="candidateAddresses">Addresses offered as host candidates; empty: all local non-loopback ones.</param>
    /// <param name="time">The host's clock, which ICE consent expiry follows.</param>
    /// <param name="logger">Where the media transport logs its failures (socket errors, datagrams whose handling threw).</param>
    /// <param name="tcp">Whether and where to offer ICE-TCP candidates; null: off.</param>
    public static MediaPlane Open(UdpPortRange ports, IReadOnlyList<IPAddress> candidateAddresses, TimeProvider? time = null,
        ILogger? logger = null, IceTcpSetting? tcp = null)
    {
        logger ??= NullLogger.Instance;
        var bind = BindAddressFor(candidateAddresses);
        var certificate = DtlsCertificate.Generate();
        for (int port = ports.Min; ; port++)
        {
            try
            {
                var multiplexer = UdpMultiplexer.Open(new UdpMultiplexerOptions
                {
                    Port = port,
                    BindAddress = bind,
                    CandidateAddresses = candidateAddresses.Count > 0 ? candidateAddresses : null,
                    TimeProvider = time ?? TimeProvider.System,
                    Logger = logger,
                });
                var listener = StartTcp(multiplexer, tcp ?? IceTcpSetting.Off, logger);
                Describe(multiplexer, listener, logger);
                return new MediaPlane(multiplexer, listener, certificate);
            }
            catch (SocketException) when (port < ports.Max)
            {
                // Taken: try the next port of the range.
            }
        }
    }

    /// <summary>
    /// Bind what is advertised. One loopback address (tests, local demos) is bound exactly, so a
    /// candidate of 127.0.0.2 is not served by a socket on 127.0.0.1; several loopback addresses
    /// need their family's wildcard, as one socket cannot bind two addresses. Anything else binds
    /// every address, since an advertised address may be a public one in front of a NAT that no
    /// interface has.
    /// </summary>
    internal static IPAddress BindAddressFor(IReadOnlyList<IPAddress> candidates)
    {
        if (candidates.Count > 0 && candidates.All(IPAddress.IsLoopback))
        {
            if (candidates.Count == 1)
                return candidates[0];
            return candidates.All(a => a.AddressFamily == AddressFamily.InterNetwork) ? IPAddress.Any : IPAddress.IPv6Any;
        }
        return IPAddress.IPv6Any;
    }

    /// <summary>
    /// The ICE-TCP listener, on the UDP port's number unless told otherwise. A taken port costs the
    /// TCP candidates, not the server: it is said, and browsers that can send UDP are unaffected.
    /// </summary>
    private static IceTcpListener? StartTcp(UdpMultiplexer multiplexer, IceTcpSetting setting, ILogger logger)
    {
        if (!setting.Enabled)
            return null;
        int port = setting.Port ?? multiplexer.LocalEndPoint.Port;
        try
        {
            return IceTcpListener.Start(multiplexer, port);
        }
        catch (SocketException e)
        {
            logger.LogError("media: no ICE-TCP: TCP port {Port} cannot be had ({Error}); browsers that cannot send UDP need TURN", port, e.SocketErrorCode);
            return null;
        }
    }

    /// <summary>Says where media goes, so an operator knows what to open in the firewall; loudly when nothing can be offered.</summary>
    private static void Describe(UdpMultiplexer multiplexer, IceTcpListener? tcp, ILogger logger)
    {
        var local = multiplexer.LocalEndPoint;
        if (multiplexer.Candidates.Count == 0)
        {
            logger.LogError("media: UDP port {Port} (bound on {Address}), but NO host candidate can be offered: this host has no usable address "
                + "that is up; browsers will get no media unless a TURN server relays it. Name the address browsers reach with --ice-address",
                local.Port, local.Address);
            return;
        }
        logger.LogInformation("media: UDP port {Port} (bound on {Address}); host candidates offered to browsers: {Candidates}",
            local.Port, local.Address, string.Join(", ", multiplexer.Candidates.Where(c => !c.Tcp).Select(c => c.EndPoint.ToString())));
        if (tcp is not null)
            logger.LogInformation("media: ICE-TCP port {Port}; passive TCP candidates offered to browsers: {Candidates}",
                tcp.LocalEndPoint.Port, string.Join(", ", multiplexer.Candidates.Where(c => c.Tcp).Select(c => c.EndPoint.ToString())));
        else
            logger.LogInformation("media: no ICE-TCP candidates (--ice-tcp off)");
    }

    public ValueTask DisposeAsync()
    {
        Tcp?.Dispose();
        return Multiplexer.DisposeAsync();
    }
}
