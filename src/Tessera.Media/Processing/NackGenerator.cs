using Tessera.Media.Rtcp;

namespace Tessera.Media.Processing;

/// <summary>
/// Asks the publisher to resend what a gap in sequence numbers shows missing (RFC 4585 §6.2.1),
/// at most 64 at once: a longer gap is a restart or a burst a NACK would not recover. Only
/// built when the publisher negotiated <c>nack</c>. Runs on the receive thread only.
/// </summary>
public sealed class NackGenerator : IReceiveProcessor
{
    public const int MaxGap = 64;
    private readonly Action<RtcpPacket> _sendFeedback;
    private readonly uint _localSsrc;
    private readonly uint _mediaSsrc;
    private bool _started;
    private ushort _highest;

    /// <param name="sendFeedback">Sends an RTCP packet to the publisher.</param>
    public NackGenerator(uint localSsrc, uint mediaSsrc, Action<RtcpPacket> sendFeedback)
    {
        _localSsrc = localSsrc;
        _mediaSsrc = mediaSsrc;
        _sendFeedback = sendFeedback;
    }

    public void OnReceived(in ReceivedPacket packet)
    {
        ushort sequence = packet.Header.SequenceNumber;
        if (!_started)
        {
            _started = true;
            _highest = sequence;
            return;
        }
        ushort ahead = (ushort)(sequence - _highest);
        if (ahead == 0 || ahead >= 0x8000)
            return; // a duplicate or a late packet: nothing newly missing
        int missing = ahead - 1;
        ushort first = (ushort)(_highest + 1);
        _highest = sequence;
        if (missing is 0 or > MaxGap)
            return;
        var lost = new List<ushort>(missing);
        for (int i = 0; i < missing; i++)
            lost.Add((ushort)(first + i));
        _sendFeedback(new GenericNack { SenderSsrc = _localSsrc, MediaSsrc = _mediaSsrc, LostSequenceNumbers = lost });
    }
}
