namespace Tessera.Media.Sfu;

/// <summary>
/// Layer selection for one receiver (protocol.md §12.6): which spatial/temporal layers of the source
/// are forwarded, and for simulcast which encoding. The <see cref="LayerSelector"/> decides once a
/// second (<see cref="AdaptLayers"/>, driven by the connection's report timer); its choice is applied
/// at picture boundaries so the receiver never gets half a frame: lower limits at the next picture,
/// a higher temporal limit at the next base-layer picture, a higher spatial limit at a keyframe
/// (requested then). Dropped packets leave no sequence gap; with spatial layers dropped, the last
/// packet of the highest forwarded layer frame gets the marker bit (RFC 9628 §4.1: the marker ends
/// the picture as the receiver sees it).
/// </summary>
public sealed partial class TrackForwarder
{
    private const int All = int.MaxValue;
    private int _spatial = All, _temporal = All;            // applied
    private int _wantSpatial = All, _wantTemporal = All;    // from the selector, before the ceiling
    private int _spatialCeiling = All;
    private bool _freshReport;
    private LayerSelector? _selector;
    private readonly object _adaptGate = new();
    private IReadOnlyList<IncomingTrack> _encodings = [];

    private bool IsLayeredCodec => _source.Codec.Codec.Name is "vp8" or "vp9";

    /// <summary>Decides this receiver's layers; created with the forwarder's clock.</summary>
    public LayerSelector Layers => _selector ??= new LayerSelector(_time);

    /// <summary>
    /// Highest temporal layer forwarded (VP8, VP9); higher layers are dropped without leaving gaps.
    /// Null forwards everything. Setting it applies at once and overrides the selector until its next change.
    /// </summary>
    public int? MaxTemporalLayer
    {
        get { lock (_gate) return _temporal == All ? null : _temporal; }
        set { lock (_gate) _temporal = _wantTemporal = value ?? All; }
    }

    /// <summary>Highest VP9 spatial layer forwarded; null forwards every layer.</summary>
    public int? MaxSpatialLayer
    {
        get { lock (_gate) return _spatial == All ? null : _spatial; }
        set { lock (_gate) _spatial = _wantSpatial = value ?? All; }
    }

    /// <summary>
    /// The highest spatial layer the receiver asked for (protocol.md §12.4: <c>video-low</c> on a
    /// single scalable track is 0); the selector never goes above it. Null: no ceiling.
    /// </summary>
    public int? SpatialCeiling
    {
        get { lock (_gate) return _spatialCeiling == All ? null : _spatialCeiling; }
        set
        {
            bool raise;
            lock (_gate)
            {
                _spatialCeiling = value ?? All;
                raise = Math.Min(_wantSpatial, _spatialCeiling) > _spatial;
            }
            if (raise)
                _source.RequestKeyframe();
        }
    }

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
    public bool LayersReduced => _selector?.Limit is not null || Volatile.Read(ref _spatialCeiling) != All;

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
        lock (_adaptGate) // timer callbacks may overlap; the selector is not thread-safe
        {
            LayerRates rates = simulcast
                ? LayerRates.FromEncodings(encodings.Select(e => e.Bitrates.Snapshot()).ToList())
                : _source.Bitrates.Snapshot();
            double? loss = null;
            lock (_gate)
            {
                if (_freshReport && LastReport is { } report)
                    loss = report.FractionLost / 256.0;
                _freshReport = false;
            }
            var limit = Layers.Evaluate(new LayerObservation(rates, ReceiverBitrate, loss, simulcast ? encodings.Count - 1 : _spatialCeiling));
            if (simulcast)
            {
                var target = encodings[Math.Min(limit?.Spatial ?? encodings.Count - 1, encodings.Count - 1)];
                if (!ReferenceEquals(target, _pending ?? _source))
                    SwitchSource(target);
                SetWanted(All, limit?.Temporal ?? All, 0);
            }
            else
            {
                SetWanted(limit?.Spatial ?? All, limit?.Temporal ?? All, rates.SpatialLayers - 1);
            }
        }
    }

    /// <summary>
    /// Records the selector's choice; while a higher spatial layer that the source sends is waited
    /// for, asks for a keyframe (rate-limited by the source), since it can only be joined at one.
    /// </summary>
    private void SetWanted(int spatial, int temporal, int highestSent)
    {
        bool waiting;
        lock (_gate)
        {
            _wantSpatial = spatial;
            _wantTemporal = temporal;
            waiting = Math.Min(Math.Min(spatial, _spatialCeiling), highestSent) > _spatial;
        }
        if (waiting)
            _source.RequestKeyframe();
    }

    /// <summary>
    /// The per-packet decision (under the forwarder's lock): applies pending limits at picture
    /// boundaries, then tells whether the packet is forwarded and whether it must carry the marker.
    /// </summary>
    private bool Admit(PacketLayers layers, bool sourceMarker, out bool setMarker)
    {
        setMarker = false;
        if (layers.StartsPicture)
        {
            int spatial = Math.Min(_wantSpatial, _spatialCeiling);
            if (spatial < _spatial || (spatial > _spatial && layers.StartsKeyframe))
                _spatial = spatial;
            if (_wantTemporal < _temporal || (_wantTemporal > _temporal && layers.Temporal == 0))
                _temporal = _wantTemporal;
        }
        if (layers.Spatial > _spatial || layers.Temporal > _temporal)
            return false;
        // The end of the highest forwarded layer frame ends the picture for this receiver.
        setMarker = !sourceMarker && layers.EndsLayerFrame && layers.Spatial == _spatial;
        return true;
    }
}
