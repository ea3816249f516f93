using Tessera.Media.Codecs;
using Tessera.Media.Processing;
using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;
using Tessera.Media.Sdp;
using Tessera.Media.Transport;

namespace Tessera.Media.Sfu;

/// <summary>
/// One track received from a publisher (a simulcast encoding counts as its own track). Every packet
/// goes through the track's chain of processors — <see cref="PacketCache"/> (for NACKs),
/// <see cref="LayerBitrateMeter"/>, <see cref="ReceiveStatistics"/> (receiver reports) and, when the
/// publisher negotiated nack, <see cref="NackGenerator"/> — then to each attached
/// <see cref="TrackForwarder"/>. Keyframe requests from receivers are rate-limited into PLIs (or
/// FIRs) towards the publisher.
/// </summary>
public sealed class IncomingTrack
{
    private readonly IRtpSink _publisherFeedback;
    private readonly uint _localSsrc;
    private TrackForwarder[] _forwarders = [];
    private readonly object _gate = new();

    public IncomingTrack(string id, NegotiatedMedia media, NegotiatedCodec codec, uint ssrc, string? rid,
        IRtpSink publisherFeedback, uint localSsrc, TimeProvider time)
    {
        Id = id;
        Media = media;
        Codec = codec;
        Ssrc = ssrc;
        Rid = rid;
        _publisherFeedback = publisherFeedback;
        _localSsrc = localSsrc;
        Cache = new PacketCache(PacketCache.DefaultCapacity(codec.Kind));
        Statistics = new ReceiveStatistics(ssrc, codec.Codec.ClockRate, time);
        Keyframes = new KeyframeRequester(time);
        Bitrates = new LayerBitrateMeter(time);
        _time = time;
        IReceiveProcessor[] chain = [Cache, Bitrates, Statistics];
        if (media.HasFeedback("nack"))
            chain = [.. chain, new NackGenerator(localSsrc, ssrc, p => publisherFeedback.SendRtcp([p]))];
        _processors = chain;
    }

    private IReceiveProcessor[] _processors; // replaced whole under _gate; Deliver reads a snapshot
    private readonly TimeProvider _time;

    public string Id { get; }
    public NegotiatedMedia Media { get; }
    public MediaKind Kind => Codec.Kind;
    public NegotiatedCodec Codec { get; }
    public uint Ssrc { get; }
    /// <summary>The simulcast RID ("h", "l") or null.</summary>
    public string? Rid { get; }
    public PacketCache Cache { get; }
    public ReceiveStatistics Statistics { get; }
    public KeyframeRequester Keyframes { get; }

    /// <summary>Measured bit rate per spatial/temporal layer, for receivers' layer choice (§12.6).</summary>
    public LayerBitrateMeter Bitrates { get; }

    public IReadOnlyList<TrackForwarder> Forwarders => Volatile.Read(ref _forwarders);

    internal void Attach(TrackForwarder forwarder)
    {
        lock (_gate)
            if (Array.IndexOf(_forwarders, forwarder) < 0)
                _forwarders = [.. _forwarders, forwarder];
    }

    /// <summary>Adds a processor at the end of the chain (a recording sink); it sees the packets that arrive from now on.</summary>
    public void AddProcessor(IReceiveProcessor processor)
    {
        lock (_gate)
            _processors = [.. _processors, processor];
    }

    public void RemoveProcessor(IReceiveProcessor processor)
    {
        lock (_gate)
            _processors = _processors.Where(p => p != processor).ToArray();
    }

    internal void Detach(TrackForwarder forwarder)
    {
        lock (_gate)
            _forwarders = _forwarders.Where(f => f != forwarder).ToArray();
    }

    /// <summary>Processes one decrypted RTP packet from the publisher: its chain, then its receivers.</summary>
    public void Deliver(ReadOnlySpan<byte> data)
    {
        if (!RtpPacket.TryParse(data, out var rtp))
            return;
        var packet = new ReceivedPacket(data, rtp, PacketLayers.Of(Codec.Id, data.Slice(rtp.PayloadOffset, rtp.PayloadLength)),
                                        _time.GetUtcNow());
        foreach (var processor in Volatile.Read(ref _processors))
            processor.OnReceived(packet);
        foreach (var forwarder in Volatile.Read(ref _forwarders))
            forwarder.Forward(this, packet);
    }

    /// <summary>Asks the publisher for a keyframe unless one was asked for very recently.</summary>
    public bool RequestKeyframe()
    {
        if (Kind != MediaKind.Video || !Keyframes.ShouldRequest())
            return false;
        if (Media.HasFeedback("nack pli"))
            _publisherFeedback.SendRtcp([new PictureLossIndication { SenderSsrc = _localSsrc, MediaSsrc = Ssrc }]);
        else if (Media.HasFeedback("ccm fir"))
            _publisherFeedback.SendRtcp([new FullIntraRequest { SenderSsrc = _localSsrc, Entries = { (Ssrc, Keyframes.NextFirSequence()) } }]);
        else
            return false;
        return true;
    }

    private long _packetsAtLastAdjust;

    /// <summary>
    /// Sizes the NACK cache to hold what arrives during a few round trips of the slowest receiver
    /// (protocol.md §12.11: grown up to 1024 packets with bitrate and RTT). Call about once a second.
    /// </summary>
    public void AdjustCache(TimeSpan interval)
    {
        long received = Statistics.PacketsReceived;
        double perSecond = (received - _packetsAtLastAdjust) / Math.Max(0.001, interval.TotalSeconds);
        _packetsAtLastAdjust = received;
        double rtt = 0.1;
        foreach (var f in Volatile.Read(ref _forwarders))
            if (f.RoundTripTime is { } r && r.TotalSeconds > rtt)
                rtt = r.TotalSeconds;
        Cache.Grow((int)Math.Ceiling(perSecond * rtt * 4));
    }

    /// <summary>
    /// The bitrate to ask of the publisher by REMB (protocol.md §12.5): 102,400 bit/s for audio and
    /// "l" layers; otherwise the lowest estimate among receivers that take the full stream, never
    /// below 204,800 bit/s. Receivers whose layer selector dropped layers are served by those layers
    /// and do not hold the others back; if every receiver is reduced, the highest of their estimates
    /// (nobody could take more). Receivers on their way to another simulcast encoding do not count.
    /// </summary>
    public ulong TargetBitrate(ulong unconstrained = 1_000_000)
    {
        if (Kind == MediaKind.Audio || Rid == "l")
            return 102_400;
        ulong lowestFull = unconstrained;
        ulong highestReduced = 0;
        bool anyFull = false;
        foreach (var f in Volatile.Read(ref _forwarders))
        {
            if (f.PendingSource is { } next && next != this)
                continue; // moving to another simulcast encoding
            if (f.LayersReduced)
            {
                highestReduced = Math.Max(highestReduced, f.ReceiverBitrate ?? unconstrained);
                continue;
            }
            anyFull = true;
            if (f.ReceiverBitrate is { } b && b < lowestFull)
                lowestFull = b;
        }
        ulong target = anyFull || highestReduced == 0 ? lowestFull : Math.Min(unconstrained, highestReduced);
        return Math.Max(204_800, target);
    }
}
