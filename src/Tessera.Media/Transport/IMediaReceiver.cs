using Tessera.Media.Rtcp;

namespace Tessera.Media.Transport;

/// <summary>
/// Takes the media a <see cref="PeerTransport"/> decrypted: the connection that owns the transport,
/// given to it in its constructor. Called on the multiplexer's receive thread.
/// </summary>
public interface IMediaReceiver
{
    /// <summary>A decrypted RTP packet, in the receive buffer: it may be changed in place but not kept past the call.</summary>
    void RtpReceived(Span<byte> packet);

    /// <summary>The packets of a decrypted compound RTCP packet.</summary>
    void RtcpReceived(IReadOnlyList<RtcpPacket> packets);
}
