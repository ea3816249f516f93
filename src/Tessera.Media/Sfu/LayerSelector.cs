namespace Tessera.Media.Sfu;

/// <summary>What a receiver's layer decision is based on, gathered once per evaluation.</summary>
/// <param name="Rates">The source's measured bit rate per layer.</param>
/// <param name="ReceiverBitrate">The receiver's REMB, if any.</param>
/// <param name="FractionLost">Loss (0–1) from a receiver report that arrived since the last evaluation, if any.</param>
/// <param name="MaxSpatial">The highest spatial layer the receiver asked for (video-low: 0).</param>
public readonly record struct LayerObservation(LayerRates Rates, ulong? ReceiverBitrate, double? FractionLost, int MaxSpatial = int.MaxValue);

/// <summary>
/// Chooses, for one receiver, the highest spatial and temporal layer to forward (protocol.md §12.6):
/// one step at a time, temporal layers before spatial ones (see <see cref="LayerChoice"/>); down at
/// once when the receiver's REMB is below what the current layers cost or loss exceeds
/// <see cref="DownLoss"/>; up only after <see cref="UpHold"/> of continuous headroom (REMB at least
/// <see cref="UpHeadroom"/> times the next step's cost, loss below <see cref="UpLoss"/>), so a
/// receiver hovering near a boundary does not oscillate. Pure logic: call <see cref="Evaluate"/>
/// periodically (about once a second).
/// </summary>
public sealed class LayerSelector
{
    private readonly TimeProvider _time;
    private LayerChoice? _limit; // null: everything the source sends
    private DateTimeOffset? _headroomSince;

    public LayerSelector(TimeProvider time) => _time = time;

    public double DownLoss { get; init; } = 0.10;
    public double UpLoss { get; init; } = 0.02;
    public double UpHeadroom { get; init; } = 1.15;
    public TimeSpan UpHold { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The current limit; null forwards every layer (also layers that appear later).</summary>
    public LayerChoice? Limit => _limit;

    /// <summary>Number of changes made, for statistics and tests.</summary>
    public int Changes { get; private set; }

    /// <summary>Takes one decision; returns the limit to apply (null: no limit).</summary>
    public LayerChoice? Evaluate(LayerObservation o)
    {
        var now = _time.GetUtcNow();
        var rates = o.Rates;
        if (rates.SpatialLayers == 0)
            return _limit; // nothing measured yet: no basis for a decision
        var top = new LayerChoice(Math.Min(rates.SpatialLayers - 1, Math.Max(0, o.MaxSpatial)), rates.TemporalLayers - 1);
        var current = _limit is { } l && l < top ? l : top;

        bool lossy = o.FractionLost is { } lost && lost > DownLoss;
        bool overBudget = o.ReceiverBitrate is { } remb && remb < rates.UpTo(current.Spatial, current.Temporal);
        if (lossy || overBudget)
        {
            _headroomSince = null;
            if (current.Down(rates.TemporalLayers) is { } lower)
                Set(lower, top);
            return _limit;
        }

        if (current.Up(top) is not { } next)
        {
            _headroomSince = null;
            if (_limit is not null)
                Set(top, top); // at the top already (a layer vanished, or the ceiling moved): lift the limit
            return _limit;
        }
        bool clean = o.FractionLost is not { } loss || loss < UpLoss;
        bool room = o.ReceiverBitrate is not { } budget || budget >= rates.UpTo(next.Spatial, next.Temporal) * UpHeadroom;
        if (!clean || !room)
        {
            _headroomSince = null;
            return _limit;
        }
        _headroomSince ??= now;
        if (now - _headroomSince.Value >= UpHold)
        {
            _headroomSince = null;
            Set(next, top);
        }
        return _limit;
    }

    private void Set(LayerChoice choice, LayerChoice top)
    {
        // Reaching the top lifts the limit, so layers that appear later flow too (the receiver's own
        // ceiling is applied by the forwarder).
        var limit = choice >= top ? (LayerChoice?)null : choice;
        if (limit != _limit)
        {
            _limit = limit;
            Changes++;
        }
    }
}
