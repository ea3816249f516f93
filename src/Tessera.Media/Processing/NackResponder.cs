using Tessera.Media.Rtcp;

namespace Tessera.Media.Processing;

/// <summary>
/// Answers a receiver's NACK (RFC 4585 §6.2.1) by resending, under the same rewritten numbers, the
/// packets it lost that the source's cache still holds.
/// </summary>
public sealed class NackResponder : IFeedbackProcessor
{
    /// <summary>Sends an already forwarded packet again: the source packet and how it was sent.</summary>
    public delegate void Resend(ReadOnlySpan<byte> sourcePacket, in ForwardedPacket sent);

    private readonly SentPacketHistory _history;
    private readonly Resend _resend;
    private readonly byte[] _scratch = new byte[PacketCache.SlotSize];

    public NackResponder(SentPacketHistory history, Resend resend)
    {
        _history = history;
        _resend = resend;
    }

    public void OnFeedback(RtcpPacket packet)
    {
        if (packet is not GenericNack nack)
            return;
        foreach (ushort lost in nack.LostSequenceNumbers)
        {
            if (!_history.TryGet(lost, out var sent))
                continue;
            int length = sent.SourceCache.TryCopy(sent.SourceSequence, _scratch);
            if (length > 0)
                _resend(_scratch.AsSpan(0, length), sent);
        }
    }
}
