using Tessera.Media.Rtcp;

namespace Tessera.Media.Processing;

/// <summary>
/// Counts what one forwarder really sent (RFC 3550 §6.4.1) and writes its sender reports, with the
/// RTP time extrapolated from the last packet to now, for lip sync and RTT at the receiver.
/// </summary>
public sealed class SenderReportWriter : IForwardProcessor
{
    private readonly uint _ssrc;
    private readonly TimeProvider _time;
    private long _packets;
    private long _octets;
    private uint _lastTimestamp;
    private int _clockRate;
    private DateTimeOffset _lastSendTime;

    public SenderReportWriter(uint ssrc, TimeProvider time)
    {
        _ssrc = ssrc;
        _time = time;
    }

    public long PacketsSent => Volatile.Read(ref _packets);

    public void OnForwarded(in ForwardedPacket packet)
    {
        _packets++;
        _octets += packet.PayloadLength;
        _lastTimestamp = packet.Timestamp;
        _clockRate = packet.ClockRate;
        _lastSendTime = packet.Arrival; // a clock read per forwarded packet would cost more than the rest
    }

    /// <summary>A sender report for now; null before the first packet.</summary>
    public SenderReport? Create()
    {
        if (_packets == 0)
            return null;
        var now = _time.GetUtcNow();
        uint elapsed = (uint)Math.Max(0, (now - _lastSendTime).TotalSeconds * _clockRate);
        return new SenderReport
        {
            Ssrc = _ssrc,
            NtpTimestamp = NtpTime.FromDateTime(now),
            RtpTimestamp = _lastTimestamp + elapsed,
            PacketCount = (uint)_packets,
            OctetCount = (uint)_octets,
        };
    }
}
