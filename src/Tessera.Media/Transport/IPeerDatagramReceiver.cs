namespace Tessera.Media.Transport;

/// <summary>
/// Takes one peer's DTLS and SRTP/SRTCP datagrams from the <see cref="UdpMultiplexer"/>, which tells
/// them apart by their first byte (RFC 7983) once the peer's ICE agent has authenticated their source.
/// Given to the agent when it is created (<see cref="UdpMultiplexer.CreateAgent"/>); called on the
/// multiplexer's receive thread or an ICE-TCP connection's reading loop, but never by two threads
/// at once (the agent's delivery lock). The span is the receive buffer: it may be changed in place (SRTP
/// decrypts there) but not kept past the call.
/// </summary>
public interface IPeerDatagramReceiver
{
    /// <summary>A DTLS record (first byte 20–63).</summary>
    void DtlsReceived(Span<byte> datagram);

    /// <summary>An SRTP or SRTCP packet (first byte 128–191).</summary>
    void MediaReceived(Span<byte> datagram);
}
