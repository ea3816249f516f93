namespace Tessera.Media.Sfu;

/// <summary>
/// Maps a source's sequence numbers and timestamps onto one continuous outgoing stream. When the
/// source changes (simulcast layer switch, replaced track) the offsets are recomputed so that the
/// receiver sees the next sequence number and a timestamp slightly after the last one.
/// </summary>
public sealed class SequenceRewriter
{
    private bool _started;
    private ushort _sequenceOffset;
    private uint _timestampOffset;
    private ushort _lastOutSequence;
    private uint _lastOutTimestamp;
    private bool _switchPending = true;

    /// <summary>Timestamp gap inserted at a switch (one 30 fps frame at 90 kHz by default).</summary>
    public uint SwitchTimestampGap { get; init; } = 3000;

    public ushort LastSequence => _lastOutSequence;
    public uint LastTimestamp => _lastOutTimestamp;

    /// <summary>The next packet comes from a different source; re-anchor on it.</summary>
    public void SwitchSource() => _switchPending = true;

    public (ushort Sequence, uint Timestamp) Rewrite(ushort sequence, uint timestamp)
    {
        if (_switchPending)
        {
            _switchPending = false;
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
        }
        ushort outSeq = (ushort)(sequence + _sequenceOffset);
        uint outTs = timestamp + _timestampOffset;
        // Only newer packets advance the anchor; retransmissions and reordering keep it.
        if ((ushort)(outSeq - _lastOutSequence) is > 0 and < 0x8000)
        {
            _lastOutSequence = outSeq;
            _lastOutTimestamp = outTs;
        }
        return (outSeq, outTs);
    }

    /// <summary>The source sequence number an outgoing one came from (for NACKs), under the current offset.</summary>
    public ushort ToSource(ushort outgoing) => (ushort)(outgoing - _sequenceOffset);
}
