namespace Tessera.Media.Sfu;

/// <summary>
/// The highest spatial and temporal layer forwarded to one receiver. Choices are ordered spatial
/// first: (0,0) &lt; (0,1) &lt; … &lt; (1,0) &lt; (1,1), so a step down drops a temporal layer before a spatial one.
/// </summary>
public readonly record struct LayerChoice(int Spatial, int Temporal) : IComparable<LayerChoice>
{
    public int CompareTo(LayerChoice other) =>
        Spatial != other.Spatial ? Spatial.CompareTo(other.Spatial) : Temporal.CompareTo(other.Temporal);

    public static bool operator <(LayerChoice a, LayerChoice b) => a.CompareTo(b) < 0;
    public static bool operator >(LayerChoice a, LayerChoice b) => a.CompareTo(b) > 0;
    public static bool operator <=(LayerChoice a, LayerChoice b) => a.CompareTo(b) <= 0;
    public static bool operator >=(LayerChoice a, LayerChoice b) => a.CompareTo(b) >= 0;

    /// <summary>One step down within a grid of <paramref name="temporalLayers"/> temporal layers; null below the lowest.</summary>
    public LayerChoice? Down(int temporalLayers) =>
        Temporal > 0 ? this with { Temporal = Temporal - 1 }
        : Spatial > 0 ? new LayerChoice(Spatial - 1, temporalLayers - 1)
        : null;

    /// <summary>One step up within the grid; null at or above <paramref name="top"/>.</summary>
    public LayerChoice? Up(LayerChoice top) =>
        this >= top ? null
        : Temporal < top.Temporal && Spatial <= top.Spatial ? this with { Temporal = Temporal + 1 }
        : new LayerChoice(Spatial + 1, 0);

    public override string ToString() => $"S{Spatial}T{Temporal}";
}
