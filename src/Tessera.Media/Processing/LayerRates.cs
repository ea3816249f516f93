namespace Tessera.Media.Processing;

/// <summary>
/// Bit rates of a source's layers (bit/s, indexed [spatial, temporal], each layer on its own).
/// Layers that carried nothing count as absent. With scalable coding, forwarding layer (s, t) costs
/// every layer at or below both; simulcast encodings (used as "spatial" layers, low to high) are
/// independent, so choosing one costs only its own temporal layers.
/// </summary>
public sealed class LayerRates
{
    private readonly ulong[,] _perLayer;

    public LayerRates(ulong[,] perLayer, bool independentSpatialLayers = false)
    {
        _perLayer = perLayer;
        IndependentSpatialLayers = independentSpatialLayers;
        for (int s = 0; s < perLayer.GetLength(0); s++)
            for (int t = 0; t < perLayer.GetLength(1); t++)
                if (perLayer[s, t] > 0)
                {
                    SpatialLayers = Math.Max(SpatialLayers, s + 1);
                    TemporalLayers = Math.Max(TemporalLayers, t + 1);
                }
    }

    public bool IndependentSpatialLayers { get; }

    /// <summary>Number of spatial layers seen (highest index + 1; 0 when nothing arrived).</summary>
    public int SpatialLayers { get; }

    /// <summary>Number of temporal layers seen (highest index + 1; 0 when nothing arrived).</summary>
    public int TemporalLayers { get; }

    /// <summary>What forwarding up to spatial layer <paramref name="spatial"/> and temporal layer <paramref name="temporal"/> costs.</summary>
    public ulong UpTo(int spatial, int temporal)
    {
        ulong total = 0;
        int rows = _perLayer.GetLength(0), columns = _perLayer.GetLength(1);
        for (int s = IndependentSpatialLayers ? spatial : 0; s <= spatial && s < rows; s++)
            for (int t = 0; t <= temporal && t < columns; t++)
                if (s >= 0 && t >= 0)
                    total += _perLayer[s, t];
        return total;
    }

    /// <summary>Rates of simulcast encodings (low to high), each encoding one independent "spatial" layer.</summary>
    public static LayerRates FromEncodings(IReadOnlyList<LayerRates> encodings)
    {
        int temporal = Math.Max(1, encodings.Count == 0 ? 1 : encodings.Max(e => e.TemporalLayers));
        var bits = new ulong[encodings.Count, temporal];
        for (int e = 0; e < encodings.Count; e++)
            for (int t = 0; t < temporal; t++)
                bits[e, t] = encodings[e].UpTo(LayerBitrateMeter.MaxLayers, t) - (t == 0 ? 0 : encodings[e].UpTo(LayerBitrateMeter.MaxLayers, t - 1));
        return new LayerRates(bits, independentSpatialLayers: true);
    }
}
