namespace Tessera.Media.Rtcp;

public static class RtcpPacketType
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte SourceDescription = 202;
    public const byte Goodbye = 203;
    public const byte Application = 204;
    /// <summary>Transport-layer feedback (RFC 4585): FMT 1 = generic NACK.</summary>
    public const byte TransportFeedback = 205;
    /// <summary>Payload-specific feedback (RFC 4585): FMT 1 = PLI, 4 = FIR (RFC 5104), 15 = application (REMB).</summary>
    public const byte PayloadFeedback = 206;

    /// <summary>RTCP packet types occupy 192–223 in the second byte; used to tell RTCP from RTP under rtcp-mux (RFC 5761 §4).</summary>
    public static bool IsRtcp(ReadOnlySpan<byte> packet) => packet.Length >= 2 && packet[1] >= 192 && packet[1] <= 223;
}
