namespace Tessera.Media.Transport;

public enum PeerTransportState
{
    New,
    /// <summary>Remote description applied; waiting for ICE checks and the DTLS handshake.</summary>
    Connecting,
    /// <summary>DTLS done, SRTP keys in place: media flows.</summary>
    Connected,
    /// <summary>DTLS refused or failed, or ICE consent expired (the server should renegotiate with an ICE restart).</summary>
    Failed,
    Closed,
}
