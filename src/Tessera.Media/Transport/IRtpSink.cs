using Tessera.Media.Rtcp;

namespace Tessera.Media.Transport;

/// <summary>Where forwarded packets go: a connection's SRTP transport, or a recorder in tests.</summary>
public interface IRtpSink
{
    /// <summary>Sends the plain RTP packet in buffer[..length]; the buffer has room for SRTP overhead and may be modified.</summary>
    bool SendRtp(Span<byte> buffer, int length);

    void SendRtcp(IReadOnlyList<RtcpPacket> packets);
}
