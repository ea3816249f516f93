using Tessera.Media.Rtcp;

namespace Tessera.Media.Processing;

/// <summary>
/// What a receiver tells us about its side of one forwarded track: its bandwidth estimate (REMB),
/// its last report block and, from reports echoing our sender reports, the round-trip time
/// (RFC 3550 §6.4.1). Layer selection and the NACK cache size are decided from these.
/// </summary>
public sealed class ReceiverEstimates : IFeedbackProcessor
{
    private readonly TimeProvider _time;
    private bool _freshReport;

    public ReceiverEstimates(TimeProvider time) => _time = time;

    /// <summary>The receiver's last REMB, if it sent one.</summary>
    public ulong? Bitrate { get; private set; }

    public ReceptionReport? LastReport { get; private set; }

    public TimeSpan? RoundTripTime { get; private set; }

    public void OnFeedback(RtcpPacket packet)
    {
        if (packet is ReceiverEstimatedMaxBitrate remb)
            Bitrate = remb.Bitrate;
    }

    public void OnReport(ReceptionReport report)
    {
        LastReport = report;
        _freshReport = true;
        if (report.LastSenderReport == 0)
            return;
        uint now = (uint)(NtpTime.FromDateTime(_time.GetUtcNow()) >> 16);
        uint rtt = now - report.LastSenderReport - report.DelaySinceLastSenderReport;
        if (rtt < 0x8000_0000u) // ignore reports that would give a negative time
            RoundTripTime = TimeSpan.FromSeconds(rtt / 65536.0);
    }

    /// <summary>The loss fraction (0–1) of a report that arrived since the last call, or null.</summary>
    public double? TakeFreshLoss()
    {
        if (!_freshReport || LastReport is not { } report)
            return null;
        _freshReport = false;
        return report.FractionLost / 256.0;
    }
}
