namespace Tessera.Media.Sfu;

/// <summary>
/// Decides when to ask a publisher for a keyframe: receivers' PLIs and FIRs, and layer switches,
/// are merged so that at most one request goes out per interval.
/// </summary>
public sealed class KeyframeRequester
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _minInterval;
    private DateTimeOffset _last = DateTimeOffset.MinValue;
    private readonly object _gate = new();
    private byte _firSequence;

    public KeyframeRequester(TimeProvider time, TimeSpan? minInterval = null)
    {
        _time = time;
        _minInterval = minInterval ?? TimeSpan.FromMilliseconds(500);
    }

    /// <summary>True when a request should be sent now (and records it).</summary>
    public bool ShouldRequest()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (now - _last < _minInterval)
                return false;
            _last = now;
            return true;
        }
    }

    /// <summary>FIR command sequence number: a new one per request (RFC 5104 §4.3.1.1).</summary>
    public byte NextFirSequence()
    {
        lock (_gate)
            return _firSequence++;
    }
}
