using Tessera.Media.Codecs;
using Tessera.Media.Processing;
using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;
using Tessera.Media.Transport;

namespace Tessera.Media.Sfu;

/// <summary>
/// Sends one incoming track to one receiver: each admitted packet is copied, stripped of header
/// extensions (none are negotiated on down streams), rewritten to the receiver's SSRC, payload type
/// and a continuous sequence/timestamp space, and handed to the receiver's transport. What happens
/// around that is a chain of small processors: after each send (<see cref="SentPacketHistory"/>,
/// <see cref="SenderReportWriter"/>) and for each piece of receiver feedback (<see cref="NackResponder"/>,
/// <see cref="KeyframeRelay"/>, <see cref="ReceiverEstimates"/>).
/// </summary>
/// <remarks>
/// One lock guards the forwarder and its processors. Lock order: this lock, then the receiver's
/// transport (sends) or the source's transport (keyframe requests); never the other way.
/// </remarks>
public sealed class TrackForwarder : IDisposable
{
    private static readonly bool[] KeepNoExtensions = new bool[256];
    private readonly IRtpSink _sink;
    private readonly TimeProvider _time;
    private readonly SequenceRewriter _rewriter = new();
    // The packet being rewritten is built in a buffer of the sending thread, not of the forwarder:
    // one buffer per forwarder meant a few hundred of them, each cold in the cache when its turn
    // came. A thread's buffer is used only until its send returns, so no send in progress can see
    // it overwritten.
    [ThreadStatic] private static byte[]? t_packet;
    private readonly object _gate = new();
    private readonly LayerFilter _layers = new();
    private readonly ReceiverEstimates _estimates;
    private readonly SenderReportWriter _reports;
    private readonly IForwardProcessor[] _afterSend;
    private readonly IFeedbackProcessor[] _feedback;
    private IncomingTrack _source;
    private IncomingTrack? _pending;
    private LayerSelector? _selector;
    private IReadOnlyList<IncomingTrack> _encodings = [];

    public TrackForwarder(IncomingTrack source, uint ssrc, byte payloadType, IRtpSink sink, TimeProvider time)
    {
        _source = source;
        Ssrc = ssrc;
        PayloadType = payloadType;
        _sink = sink;
        _time = time;
        var history = new SentPacketHistory();
        _estimates = new ReceiverEstimates(time);
        _reports = new SenderReportWriter(ssrc, time);
        _afterSend = [history, _reports];
        _feedback = [new NackResponder(history, Resend), new KeyframeRelay(() => _source.RequestKeyframe()), _estimates];
        source.Attach(this);
    }

    public uint Ssrc { get; }
    public byte PayloadType { get; }
    public IncomingTrack Source => _source;

    /// <summary>The source being switched to, until its first keyframe arrives.</summary>
    public IncomingTrack? PendingSource => _pending;

    /// <summary>The receiver's last REMB, if it sent one.</summary>
    public ulong? ReceiverBitrate => _estimates.Bitrate;

    /// <summary>The receiver's last report block about this track.</summary>
    public ReceptionReport? LastReport => _estimates.LastReport;

    /// <summary>Round-trip time from the receiver's last report echoing one of our sender reports.</summary>
    public TimeSpan? RoundTripTime => _estimates.RoundTripTime;

    public long PacketsSent => _reports.PacketsSent;

    /// <summary>
    /// Forwards a packet of the current source (packets of a pending source wait for a keyframe).
    /// Its header, layers and arrival time were read once by the source for all its receivers.
    /// </summary>
    internal void Forward(IncomingTrack from, in ReceivedPacket packet)
    {
        IncomingTrack? retired = null;
        lock (_gate)
        {
            if (ReferenceEquals(from, _pending))
            {
                if (!KeyframeDetector.IsKeyframe(from.Codec.Id, packet.Payload))
                    return;
                retired = _source;
                _source = from;
                _pending = null;
                _rewriter.SwitchSource();
            }
            else if (!ReferenceEquals(from, _source))
            {
                return;
            }
            SendLocked(packet);
        }
        retired?.Detach(this);
    }

    private void SendLocked(in ReceivedPacket packet)
    {
        if (packet.Data.Length > PacketCache.SlotSize)
            return;
        var rtp = packet.Header;
        bool marker = false;
        if (IsLayeredCodec && !_layers.Admit(packet.Layers, rtp.Marker, out marker))
        {
            _rewriter.Skip(rtp.SequenceNumber);
            return;
        }
        if (!_rewriter.TryRewrite(rtp.SequenceNumber, rtp.Timestamp, out ushort sequence, out uint timestamp))
            return;
        var sent = new ForwardedPacket(_source.Cache, _source.Codec.Codec.ClockRate, rtp.SequenceNumber, sequence, timestamp, marker, rtp.PayloadLength, packet.Arrival);
        // Only what really went out (SRTP up) is recorded: sender reports are built from it.
        if (!Send(packet.Data, sent))
            return;
        foreach (var processor in _afterSend)
            processor.OnForwarded(sent);
    }

    private void Resend(ReadOnlySpan<byte> sourcePacket, in ForwardedPacket sent) => Send(sourcePacket, sent);

    /// <summary>Copies, strips extensions, rewrites the header and hands the packet to the sink; false if not sent.</summary>
    private bool Send(ReadOnlySpan<byte> packet, in ForwardedPacket sent)
    {
        var scratch = t_packet ??= new byte[PacketCache.SlotSize + 64];
        packet.CopyTo(scratch);
        int length = RtpRewriter.StripExtensions(scratch, packet.Length, KeepNoExtensions);
        if (length < 0)
            return false;
        RtpRewriter.SetSsrc(scratch, Ssrc);
        RtpRewriter.SetPayloadType(scratch, PayloadType);
        RtpRewriter.SetSequenceNumber(scratch, sent.Sequence);
        RtpRewriter.SetTimestamp(scratch, sent.Timestamp);
        if (sent.Marker)
            RtpRewriter.SetMarker(scratch, true);
        return _sink.SendRtp(scratch, length);
    }

    /// <summary>
    /// Moves to another source (simulcast layer switch). The current source keeps flowing until the
    /// new one delivers a keyframe, which is requested now; numbering stays continuous.
    /// </summary>
    public void SwitchSource(IncomingTrack source)
    {
        IncomingTrack? abandoned = null;
        bool switching;
        lock (_gate)
        {
            if (_pending is not null && !ReferenceEquals(_pending, source))
                abandoned = _pending;
            switching = !ReferenceEquals(source, _source);
            _pending = switching ? source : null;
        }
        abandoned?.Detach(this);
        if (switching)
        {
            source.Attach(this);
            source.RequestKeyframe();
        }
    }

    /// <summary>Handles feedback from the receiver about this forwarder's SSRC.</summary>
    public void HandleFeedback(RtcpPacket packet)
    {
        lock (_gate)
            foreach (var processor in _feedback)
                processor.OnFeedback(packet);
    }

    /// <summary>Handles a report block from the receiver about this forwarder's SSRC.</summary>
    public void HandleReport(ReceptionReport report)
    {
        lock (_gate)
            foreach (var processor in _feedback)
                processor.OnReport(report);
    }

    /// <summary>A sender report for this SSRC, with the RTP time extrapolated to now; null before the first packet.</summary>
    public SenderReport? CreateSenderReport()
    {
        lock (_gate)
            return _reports.Create();
    }

    // ---- Layer selection (protocol.md §12.6): decided once a second, applied per packet by the filter ----

    private bool IsLayeredCodec => _source.Codec.Id is Codec.Vp8 or Codec.Vp9;

    /// <summary>Decides this receiver's layers; created with the forwarder's clock.</summary>
    public LayerSelector Layers => _selector ??= new LayerSelector(_time);

    /// <summary>
    /// Highest temporal layer forwarded (VP8, VP9); higher layers are dropped without leaving gaps.
    /// Null forwards everything. Setting it applies at once and overrides the selector until its next change.
    /// </summary>
    public int? MaxTemporalLayer
    {
        get { lock (_gate) return NullIfAll(_layers.Temporal); }
        set { lock (_gate) _layers.ForceTemporal(value ?? LayerFilter.All); }
    }

    /// <summary>Highest VP9 spatial layer forwarded; null forwards every layer.</summary>
    public int? MaxSpatialLayer
    {
        get { lock (_gate) return NullIfAll(_layers.Spatial); }
        set { lock (_gate) _layers.ForceSpatial(value ?? LayerFilter.All); }
    }

    /// <summary>
    /// The highest spatial layer the receiver asked for (protocol.md §12.4: <c>video-low</c> on a
    /// single scalable track is 0); the selector never goes above it. Null: no ceiling.
    /// </summary>
    public int? SpatialCeiling
    {
        get { lock (_gate) return NullIfAll(_layers.SpatialCeiling); }
        set
        {
            bool raise;
            lock (_gate)
                raise = _layers.SetCeiling(value ?? LayerFilter.All);
            if (raise)
                _source.RequestKeyframe();
        }
    }

    private static int? NullIfAll(int limit) => limit == LayerFilter.All ? null : limit;

    /// <summary>
    /// Simulcast encodings of the receiver's track, lowest first, that the selector may switch between
    /// (e.g. [l, h] for a receiver that asked for <c>video</c>). Empty or one entry: no switching.
    /// </summary>
    public IReadOnlyList<IncomingTrack> Encodings
    {
        get => Volatile.Read(ref _encodings);
        set => Volatile.Write(ref _encodings, value);
    }

    /// <summary>
    /// True when this receiver takes less than the full stream: its selector holds it lower, or it
    /// asked for the lowest spatial layer only. Its estimate then says nothing about the upper layers.
    /// </summary>
    public bool LayersReduced
    {
        get
        {
            if (_selector?.Limit is not null)
                return true;
            lock (_gate)
                return _layers.SpatialCeiling != LayerFilter.All;
        }
    }

    /// <summary>
    /// One periodic decision: feeds the selector with the receiver's REMB, any new loss report and the
    /// source's measured layer rates, then applies its choice (a simulcast switch, or new limits).
    /// </summary>
    public void AdaptLayers()
    {
        var encodings = Encodings;
        bool simulcast = encodings.Count > 1;
        if (!simulcast && !IsLayeredCodec)
            return; // a single layer (audio, H.264): nothing to choose
        IncomingTrack? switchTo = null;
        bool keyframeNeeded;
        lock (_gate) // timer callbacks may overlap; the selector is not thread-safe
        {
            LayerRates rates = simulcast
                ? LayerRates.FromEncodings(encodings.Select(e => e.Bitrates.Snapshot()).ToList())
                : _source.Bitrates.Snapshot();
            var limit = Layers.Evaluate(new LayerObservation(rates, _estimates.Bitrate, _estimates.TakeFreshLoss(),
                                                             simulcast ? encodings.Count - 1 : _layers.SpatialCeiling));
            if (simulcast)
            {
                var target = encodings[Math.Min(limit?.Spatial ?? encodings.Count - 1, encodings.Count - 1)];
                if (!ReferenceEquals(target, _pending ?? _source))
                    switchTo = target;
                keyframeNeeded = _layers.Want(LayerFilter.All, limit?.Temporal ?? LayerFilter.All, 0);
            }
            else
            {
                keyframeNeeded = _layers.Want(limit?.Spatial ?? LayerFilter.All, limit?.Temporal ?? LayerFilter.All, rates.SpatialLayers - 1);
            }
        }
        if (switchTo is not null)
            SwitchSource(switchTo);
        // A higher spatial layer can only be joined at a keyframe: ask (rate-limited by the source).
        if (keyframeNeeded)
            _source.RequestKeyframe();
    }

    public void Dispose()
    {
        _source.Detach(this);
        _pending?.Detach(this);
    }
}
