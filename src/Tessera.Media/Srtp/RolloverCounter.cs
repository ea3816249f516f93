namespace Tessera.Media.Srtp;

/// <summary>
/// Per-SSRC packet index tracking (RFC 3711 §3.3.1 and Appendix A): guesses the 48-bit index of a
/// received sequence number from the highest one seen and the rollover counter.
/// </summary>
internal sealed class RolloverCounter
{
    private bool _started;

    public uint Roc { get; private set; }
    public ushort HighestSequence { get; private set; }

    /// <summary>The index the packet most likely has (ROC may be one less or one more than current).</summary>
    public ulong Estimate(ushort sequence)
    {
        if (!_started)
            return sequence;
        long roc = Roc;
        long v;
        if (HighestSequence < 32768)
            v = sequence - HighestSequence > 32768 ? roc - 1 : roc;
        else
            v = HighestSequence - 32768 > sequence ? roc + 1 : roc;
        if (v < 0)
            v = 0; // a packet from "before" ROC 0 cannot exist; treat as ROC 0 (it will fail replay or auth)
        return ((ulong)(uint)v << 16) | sequence;
    }

    /// <summary>Commits an authenticated index: advances ROC and highest sequence if it is newer.</summary>
    public void Update(ulong index)
    {
        uint roc = (uint)(index >> 16);
        ushort seq = (ushort)index;
        if (!_started || roc > Roc || (roc == Roc && seq > HighestSequence))
        {
            _started = true;
            Roc = roc;
            HighestSequence = seq;
        }
    }
}
