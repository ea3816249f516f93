using Tessera.Media.Rtcp;

namespace Tessera.Media.Processing;

/// <summary>
/// One packet as sent to one receiver: where it came from (the source track's cache and its
/// sequence number there, its clock rate) and what the receiver saw (rewritten sequence number,
/// timestamp, marker).
/// </summary>
public readonly record struct ForwardedPacket(
    PacketCache SourceCache, int ClockRate, ushort SourceSequence, ushort Sequence, uint Timestamp, bool Marker,
    int PayloadLength, DateTimeOffset Arrival);

/// <summary>
/// A stage that sees every packet a forwarder has handed to its receiver's transport (history for
/// NACKs, sender-report counters). Called under the forwarder's lock, so it needs none of its own.
/// </summary>
public interface IForwardProcessor
{
    void OnForwarded(in ForwardedPacket packet);
}

/// <summary>
/// A stage that handles the receiver's RTCP about one forwarder's SSRC (NACK, PLI/FIR, REMB, report
/// blocks). Called under the forwarder's lock, so it needs none of its own.
/// </summary>
public interface IFeedbackProcessor
{
    void OnFeedback(RtcpPacket packet);

    void OnReport(ReceptionReport report) { }
}
