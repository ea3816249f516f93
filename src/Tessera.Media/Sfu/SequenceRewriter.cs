namespace Tessera.Media.Sfu;

/// <summary>
/// Maps a source's sequence numbers and timestamps onto one continuous outgoing stream. When the
/// source changes (simulcast layer switch, replaced track) the offsets are recomputed so that the
/// receiver sees the next sequence number and a timestamp slightly after the last one. Packets
/// deliberately dropped (<see cref="Skip"/>) leave no gap; a late packet is still placed where it
/// would have gone, by remembering the recent drop points.
/// </summary>
public sealed class SequenceRewriter
{
    private const int DropHistory = 64;
    private readonly ushort[] _drops = new ushort[DropHistory];
    private int _dropCount; // total recorded since the last anchor (may exceed DropHistory)
    private bool _started;
    private ushort _sequenceOffset;
    private uint _timestampOffset;
    private ushort _lastOutSequence;
    private uint _lastOutTimestamp;
    private ushort _highestIn;
    private bool _switchPending = true;

    /// <summary>Timestamp gap inserted at a switch (one 30 fps frame at 90 kHz by default).</summary>
    public uint SwitchTimestampGap { get; init; } = 3000;

    public ushort LastSequence => _lastOutSequence;
    public uint LastTimestamp => _lastOutTimestamp;

    /// <summary>The next packet comes from a different source; re-anchor on it.</summary>
    public void SwitchSource() => _switchPending = true;

    private static bool Newer(ushort a, ushort b) => (ushort)(a - b) is > 0 and < 0x8000;

    /// <summary>
    /// A source packet deliberately not forwarded (e.g. a temporal layer above the receiver's).
    /// Only a packet newer than all seen so far moves the numbering; dropping a late one leaves a gap.
    /// </summary>
    public void Skip(ushort sequence)
    {
        if (!_started || _switchPending || !Newer(sequence, _highestIn))
            return;
        _highestIn = sequence;
        _sequenceOffset--;
        _drops[_dropCount % DropHistory] = sequence;
        _dropCount++;
    }

    /// <summary>Rewrites one packet; false if it is too late to be placed (older than forgotten drops).</summary>
    public bool TryRewrite(ushort sequence, uint timestamp, out ushort outSequence, out uint outTimestamp)
    {
        outSequence = 0;
        outTimestamp = 0;
        int correction = 0;
        if (!_switchPending && _dropCount > 0 && !Newer(sequence, _drops[(_dropCount - 1) % DropHistory]))
        {
            // A late packet: undo the drops that happened after it.
            int remembered = Math.Min(_dropCount, DropHistory);
            for (int i = 0; i < remembered; i++)
                if (Newer(_drops[i], sequence))
                    correction++;
            if (correction == remembered && _dropCount > DropHistory)
                return false; // older than the drops we still remember
        }
        (outSequence, outTimestamp) = Rewrite(sequence, timestamp);
        outSequence = (ushort)(outSequence + correction);
        return true;
    }

    public (ushort Sequence, uint Timestamp) Rewrite(ushort sequence, uint timestamp)
    {
        if (_switchPending)
        {
            _switchPending = false;
            _dropCount = 0;
            if (_started)
            {
                _sequenceOffset = (ushort)(_lastOutSequence + 1 - sequence);
                _timestampOffset = _lastOutTimestamp + SwitchTimestampGap - timestamp;
            }
            else
            {
                _started = true;
                _sequenceOffset = 0;
                _timestampOffset = 0;
                _lastOutSequence = (ushort)(sequence - 1);
                _lastOutTimestamp = timestamp;
            }
            _highestIn = sequence;
        }
        if (Newer(sequence, _highestIn))
            _highestIn = sequence;
        ushort outSeq = (ushort)(sequence + _sequenceOffset);
        uint outTs = timestamp + _timestampOffset;
        // Only newer packets advance the anchor; retransmissions and reordering keep it.
        if (Newer(outSeq, _lastOutSequence))
        {
            _lastOutSequence = outSeq;
            _lastOutTimestamp = outTs;
        }
        return (outSeq, outTs);
    }

    /// <summary>The source sequence number an outgoing one would come from under the current offset.</summary>
    public ushort ToSource(ushort outgoing) => (ushort)(outgoing - _sequenceOffset);
}
