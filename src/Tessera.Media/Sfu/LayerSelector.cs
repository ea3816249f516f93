using Tessera.Media.Processing;

namespace Tessera.Media.Sfu;

/// <summary>What a receiver's layer decision is based on, gathered once per evaluation.</summary>
/// <param name="Rates">The source's measured bit rate per layer.</param>
/// <param name="ReceiverBitrate">The receiver's REMB, if any.</param>
/// <param name="FractionLost">Loss (0–1) from a receiver report that arrived since the last evaluation, if any.</param>
/// <param name="MaxSpatial">The highest spatial layer the receiver asked for (video-low: 0).</param>
public readonly record struct LayerObservation(LayerRates Rates, ulong? ReceiverBitrate, double? FractionLost, int MaxSpatial = int.MaxValue);

/// <summary>
/// Chooses, for one receiver, the highest spatial and temporal layer to forward (protocol.md §12.6),
/// one step at a time, temporal layers before spatial ones (see <see cref="LayerChoice"/>).
/// <list type="bullet">
/// <item>Down at once (each evaluation) when the receiver's REMB is below what the current layers
/// cost, or its loss exceeds <see cref="DownLoss"/>.</item>
/// <item>Up only after <see cref="UpHold"/> of continuous headroom with loss below <see cref="UpLoss"/>.
/// Headroom is a REMB that covers the next step with <see cref="UpHeadroom"/> to spare, or one at
/// least <see cref="ProbeHeadroom"/> times what the receiver gets now: receive-side estimators cap
/// their estimate near 1.5 times the rate they receive, so a bigger step can never show its room
/// before it is tried.</item>
/// <item>A step up is therefore a trial: for <see cref="UpGrace"/> a REMB below its cost is tolerated
/// (the estimate needs time to grow) unless it falls (the receiver detected overuse) or loss rises.
/// A step up undone within the grace period (plus a little) doubles the hold before the next try,
/// up to <see cref="MaxHold"/>, so a receiver at its limit does not oscillate.</item>
/// </list>
/// Pure logic on a <see cref="TimeProvider"/>; call <see cref="Evaluate"/> about once a second.
/// </summary>
public sealed class LayerSelector
{
    private readonly TimeProvider _time;
    private LayerChoice? _limit; // null: everything the source sends
    private DateTimeOffset? _headroomSince;
    private DateTimeOffset? _steppedUpAt;
    private ulong? _rembAtStepUp;
    private TimeSpan? _hold;

    public LayerSelector(TimeProvider time) => _time = time;

    public double DownLoss { get; init; } = 0.10;
    public double UpLoss { get; init; } = 0.02;
    public double UpHeadroom { get; init; } = 1.15;
    public double ProbeHeadroom { get; init; } = 1.3;
    /// <summary>A REMB at or below this share of its value at the step up is a fall (overuse detected).</summary>
    public double RembFall { get; init; } = 0.9;
    public TimeSpan UpHold { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan UpGrace { get; init; } = TimeSpan.FromSeconds(4);
    public TimeSpan MaxHold { get; init; } = TimeSpan.FromSeconds(64);

    /// <summary>The current limit; null forwards every layer (also layers that appear later).</summary>
    public LayerChoice? Limit => _limit;

    /// <summary>The headroom currently required before a step up (grows after failed steps).</summary>
    public TimeSpan Hold => _hold ?? UpHold;

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
        ulong currentRate = rates.UpTo(current.Spatial, current.Temporal);

        bool inGrace = _steppedUpAt is { } up && now - up < UpGrace;
        if (_steppedUpAt is { } upAt && now - upAt >= UpGrace + TimeSpan.FromSeconds(2))
        {
            _steppedUpAt = null; // the last step up held: back to the normal hold
            _hold = null;
        }
        bool lossy = o.FractionLost is { } lost && lost > DownLoss;
        bool overBudget = o.ReceiverBitrate is { } remb && remb < currentRate
                          && (!inGrace || _rembAtStepUp is not { } before || remb <= before * RembFall);
        if (lossy || overBudget)
        {
            _headroomSince = null;
            if (current.Down(rates.TemporalLayers) is { } lower)
            {
                if (_steppedUpAt is not null)
                {
                    // The last step up did not hold: wait longer before the next one.
                    _hold = TimeSpan.FromTicks(Math.Min(MaxHold.Ticks, Hold.Ticks * 2));
                    _steppedUpAt = null;
                }
                Set(lower, top);
            }
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
        bool room = o.ReceiverBitrate is not { } budget
                    || budget >= rates.UpTo(next.Spatial, next.Temporal) * UpHeadroom
                    || budget >= currentRate * ProbeHeadroom;
        if (!clean || !room || inGrace)
        {
            _headroomSince = null;
            return _limit;
        }
        _headroomSince ??= now;
        if (now - _headroomSince.Value >= Hold)
        {
            _headroomSince = null;
            _steppedUpAt = now;
            _rembAtStepUp = o.ReceiverBitrate;
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
