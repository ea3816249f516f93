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
    private MediaPlane(UdpMultiplexer multiplexer, DtlsCertificate certificate)
    {
        Multiplexer = multiplexer;
        Certificate = certificate;
    }

    public UdpMultiplexer Multiplexer { get; }
    public DtlsCertificate Certificate { get; }

    /// <param name="ports">The configured port or range; a range takes its first free port.</param>
    /// <param name="candidateAddresses">Addresses offered as host candidates; empty: all local non-loopback ones.</param>
    /// <param name="time">The host's clock, which ICE consent expiry follows.</param>
    /// <param name="logger">Where the media transport logs its failures (socket errors, datagrams whose handling threw).</param>
    public static MediaPlane Open(UdpPortRange ports, IReadOnlyList<IPAddress> candidateAddresses, TimeProvider? time = null,
        ILogger? logger = null)
    {
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
                    Logger = logger ?? NullLogger.Instance,
                });
                return new MediaPlane(multiplexer, certificate);
            }
            catch (SocketException) when (port < ports.Max)
            {
                // Taken: try the next port of the range.
            }
        }
    }

    /// <summary>Loopback-only candidates (tests, local demos) need no socket on the public interfaces.</summary>
    private static IPAddress BindAddressFor(IReadOnlyList<IPAddress> candidates)
    {
        if (candidates.Count > 0 && candidates.All(IPAddress.IsLoopback))
            return candidates.All(a => a.AddressFamily == AddressFamily.InterNetwork) ? IPAddress.Loopback : IPAddress.IPv6Loopback;
        return IPAddress.IPv6Any;
    }

    public ValueTask DisposeAsync() => Multiplexer.DisposeAsync();
}
