namespace Tessera.Media.Transport;

/// <summary>
/// Running totals of the media plane, for monitoring: one instance per <see cref="UdpMultiplexer"/>,
/// incremented lock-free on the paths that do the work, read whenever someone scrapes.
/// </summary>
public sealed class MediaCounters
{
    private long _forwardedPackets, _forwardedBytes, _nacks, _keyframeRequests, _iceFailures, _dtlsFailures;

    public long ForwardedPackets => Interlocked.Read(ref _forwardedPackets);
    public long ForwardedBytes => Interlocked.Read(ref _forwardedBytes);

    /// <summary>Generic NACKs received from receivers.</summary>
    public long Nacks => Interlocked.Read(ref _nacks);

    /// <summary>PLIs and FIRs received from receivers.</summary>
    public long KeyframeRequests => Interlocked.Read(ref _keyframeRequests);

    /// <summary>Peer transports that lost ICE consent.</summary>
    public long IceFailures => Interlocked.Read(ref _iceFailures);

    /// <summary>DTLS handshakes or sessions that failed (not orderly closes).</summary>
    public long DtlsFailures => Interlocked.Read(ref _dtlsFailures);

    internal void Forwarded(int bytes)
    {
        Interlocked.Increment(ref _forwardedPackets);
        Interlocked.Add(ref _forwardedBytes, bytes);
    }

    internal void Nack() => Interlocked.Increment(ref _nacks);
    internal void KeyframeRequest() => Interlocked.Increment(ref _keyframeRequests);
    internal void IceFailed() => Interlocked.Increment(ref _iceFailures);
    internal void DtlsFailed() => Interlocked.Increment(ref _dtlsFailures);
}
