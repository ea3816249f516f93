using Tessera.Media.Codecs;

namespace Tessera.Media.Sfu;

/// <summary>
/// The per-packet half of layer selection for one receiver (protocol.md §12.6): which spatial and
/// temporal layers of a VP8/VP9 source are forwarded. A wanted change applies at a picture boundary
/// so the receiver never gets half a frame: lower limits at the next picture, a higher temporal
/// limit at the next base-layer picture, a higher spatial limit at a keyframe. With spatial layers
/// dropped, the last packet of the highest forwarded layer frame gets the marker bit (RFC 9628 §4.1:
/// the marker ends the picture as the receiver sees it). Not thread-safe: its forwarder's lock guards it.
/// </summary>
public sealed class LayerFilter
{
    public const int All = int.MaxValue;
    private int _spatial = All, _temporal = All;            // applied
    private int _wantSpatial = All, _wantTemporal = All;    // wanted, before the ceiling
    private int _spatialCeiling = All;

    public int Spatial => _spatial;
    public int Temporal => _temporal;
    public int SpatialCeiling => _spatialCeiling;

    /// <summary>Sets both the applied and the wanted temporal limit (an explicit override).</summary>
    public void ForceTemporal(int temporal) => _temporal = _wantTemporal = temporal;

    /// <summary>Sets both the applied and the wanted spatial limit (an explicit override).</summary>
    public void ForceSpatial(int spatial) => _spatial = _wantSpatial = spatial;

    /// <summary>Sets the receiver's spatial ceiling; true when that raises the reachable layer (a keyframe is then needed).</summary>
    public bool SetCeiling(int ceiling)
    {
        _spatialCeiling = ceiling;
        return Math.Min(_wantSpatial, _spatialCeiling) > _spatial;
    }

    /// <summary>
    /// Records the selector's choice; true while a higher spatial layer that the source sends is
    /// waited for, which can only be joined at a keyframe.
    /// </summary>
    public bool Want(int spatial, int temporal, int highestSent)
    {
        _wantSpatial = spatial;
        _wantTemporal = temporal;
        return Math.Min(Math.Min(spatial, _spatialCeiling), highestSent) > _spatial;
    }

    /// <summary>
    /// The per-packet decision: applies pending limits at picture boundaries, then tells whether the
    /// packet is forwarded and whether it must carry the marker.
    /// </summary>
    public bool Admit(PacketLayers layers, bool sourceMarker, out bool setMarker)
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
