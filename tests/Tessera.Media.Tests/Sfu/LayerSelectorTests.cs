using Tessera.Media.Processing;
using Tessera.Media.Sfu;

namespace Tessera.Media.Tests.Sfu;

public class LayerSelectorTests
{
    private readonly ManualTimeProvider _clock = new();

    // Two spatial layers of three temporal layers: the full stream costs 700 kbit/s.
    private static readonly LayerRates Svc = new(new ulong[,]
    {
        { 100_000, 50_000, 50_000 },
        { 300_000, 100_000, 100_000 },
    });

    private LayerSelector Selector() => new(_clock);

    private LayerChoice? Step(LayerSelector s, ulong? remb, double? loss = null, int maxSpatial = int.MaxValue)
    {
        var choice = s.Evaluate(new LayerObservation(Svc, remb, loss, maxSpatial));
        _clock.Advance(TimeSpan.FromSeconds(1));
        return choice;
    }

    [Fact]
    public void Starts_unrestricted_and_stays_so_with_enough_budget()
    {
        var s = Selector();
        Assert.Null(Step(s, 2_000_000));
        Assert.Null(Step(s, null, 0.0));
        Assert.False(s.Changes > 0);
    }

    [Fact]
    public void Remb_below_the_current_layers_rate_steps_down()
    {
        var s = Selector();
        Assert.Equal(new LayerChoice(1, 1), Step(s, 650_000)); // 700k needed, 550k for S1T1
        Assert.Equal(new LayerChoice(1, 1), Step(s, 650_000)); // S1T1 fits: stays
    }

    [Fact]
    public void Loss_above_ten_percent_steps_down_even_with_budget()
    {
        var s = Selector();
        Assert.Null(Step(s, 5_000_000, 0.05));                      // moderate loss: hold
        Assert.Equal(new LayerChoice(1, 1), Step(s, 5_000_000, 0.15));
    }

    [Fact]
    public void Temporal_layers_go_before_spatial_ones_one_step_per_evaluation()
    {
        var s = Selector();
        var seen = Enumerable.Range(0, 7).Select(_ => Step(s, 10_000)).ToList(); // far below every layer
        Assert.Equal(
            [new(1, 1), new(1, 0), new(0, 2), new(0, 1), new(0, 0), new(0, 0), new(0, 0)],
            seen.Select(c => c!.Value));
        Assert.Equal(5, s.Changes);
    }

    [Fact]
    public void Stepping_up_needs_several_seconds_of_headroom_and_then_goes_one_step()
    {
        var s = Selector();
        Step(s, 250_000);                                  // S1T1
        Step(s, 250_000);                                  // S1T0
        Step(s, 250_000);                                  // S0T2 (200k) fits
        Assert.Equal(new LayerChoice(0, 2), s.Limit);
        // S1T0 costs 400k: 250k is neither 15 % above it nor 30 % above the 200k received now.
        for (int i = 0; i < 10; i++)
            Assert.Equal(new LayerChoice(0, 2), Step(s, 250_000));
        for (int i = 0; i < 5; i++)
            Assert.Equal(new LayerChoice(0, 2), Step(s, 470_000)); // 4 s of headroom so far
        Assert.Equal(new LayerChoice(1, 0), Step(s, 470_000));     // 5 s: one step
        Assert.Equal(new LayerChoice(1, 0), Step(s, 5_000_000));   // the next step waits again
    }

    [Fact]
    public void Loss_of_two_percent_or_more_keeps_the_receiver_down()
    {
        var s = Selector();
        Step(s, null, 0.2);
        Assert.Equal(new LayerChoice(1, 1), s.Limit);
        for (int i = 0; i < 10; i++)
            Step(s, null, 0.03);
        Assert.Equal(new LayerChoice(1, 1), s.Limit);
        for (int i = 0; i < 6; i++)
            Step(s, null, 0.01);
        Assert.Null(s.Limit); // back to the full stream
    }

    [Fact]
    public void Interrupted_headroom_restarts_the_wait()
    {
        var s = Selector();
        Step(s, 650_000);
        for (int i = 0; i < 4; i++)
            Step(s, 900_000);
        Step(s, 650_000); // not enough room for the full stream any more
        for (int i = 0; i < 4; i++)
            Step(s, 900_000);
        Assert.Equal(new LayerChoice(1, 1), s.Limit);
        Step(s, 900_000);
        Step(s, 900_000);
        Assert.Null(s.Limit);
    }

    [Fact]
    public void A_throughput_capped_estimate_well_above_the_current_rate_counts_as_headroom()
    {
        // Receive-side estimators stay below ~1.5 × what they receive: S0T2 gets 200k, REMB 270k,
        // far from the 460k that S1T0 would need with margin, yet the receiver is clearly not limited.
        var s = Selector();
        Step(s, 250_000);
        Step(s, 250_000);
        Step(s, 250_000);
        Assert.Equal(new LayerChoice(0, 2), s.Limit);
        for (int i = 0; i < 5; i++)
            Step(s, 270_000);
        Assert.Equal(new LayerChoice(1, 0), Step(s, 270_000));
        // Right after the step the estimate is still below the new cost: tolerated while it does not fall.
        for (int i = 0; i < 3; i++)
            Assert.Equal(new LayerChoice(1, 0), Step(s, 300_000 + (ulong)i * 40_000));
        Assert.Equal(new LayerChoice(1, 0), Step(s, 460_000)); // grown into it: the trial held
    }

    [Fact]
    public void A_falling_estimate_after_a_step_up_undoes_it_at_once()
    {
        var s = Selector();
        Step(s, 250_000);
        Step(s, 250_000);
        Step(s, 250_000);
        for (int i = 0; i < 6; i++)
            Step(s, 270_000);
        Assert.Equal(new LayerChoice(1, 0), s.Limit);
        Assert.Equal(new LayerChoice(0, 2), Step(s, 230_000)); // overuse: the estimate fell
    }

    [Fact]
    public void Failed_trials_back_off_so_a_receiver_at_its_limit_does_not_oscillate()
    {
        // The receiver's link takes 640k; the full stream needs 700k. Below the link the estimate
        // climbs to 1.5 × what it receives; above it, overuse drops it to 0.85 × the link.
        var s = Selector();
        var ups = new List<int>();
        LayerChoice? previous = null;
        for (int second = 0; second < 150; second++)
        {
            ulong rate = s.Limit is { } c ? Svc.UpTo(c.Spatial, c.Temporal) : Svc.UpTo(1, 2);
            ulong remb = rate > 640_000 ? 544_000 : (ulong)(rate * 1.5) + 10_000;
            if (second == 0)
                remb = 600_000;
            var choice = Step(s, remb);
            if (choice is null && previous is not null)
                ups.Add(second);
            previous = choice;
        }
        Assert.InRange(ups.Count, 2, 5);
        var gaps = ups.Zip(ups.Skip(1), (a, b) => b - a).ToList();
        Assert.True(gaps.Zip(gaps.Skip(1), (a, b) => b > a).All(x => x), string.Join(",", ups)); // ever longer waits
        Assert.Equal(new LayerChoice(1, 1), s.Limit);
        Assert.True(s.Hold > s.UpHold);
    }

    [Fact]
    public void A_receiver_hovering_at_a_boundary_does_not_oscillate()
    {
        var s = Selector();
        ulong[] rembs = [690_000, 720_000, 760_000, 680_000, 790_000, 705_000, 770_000, 695_000];
        for (int i = 0; i < 60; i++)
            Step(s, rembs[i % rembs.Length]);
        Assert.True(s.Changes <= 2, $"{s.Changes} changes");
        Assert.Equal(new LayerChoice(1, 1), s.Limit);
    }

    [Fact]
    public void The_receivers_spatial_ceiling_bounds_the_choice()
    {
        var s = Selector();
        Assert.Null(Step(s, 5_000_000, maxSpatial: 0));        // S0 with all temporal layers: no limit needed
        Assert.Equal(new LayerChoice(0, 1), Step(s, 180_000, maxSpatial: 0)); // S0T2 costs 200k
    }

    [Fact]
    public void Without_measured_rates_nothing_is_decided()
    {
        var s = Selector();
        var none = new LayerRates(new ulong[LayerBitrateMeter.MaxLayers, LayerBitrateMeter.MaxLayers]);
        Assert.Null(s.Evaluate(new LayerObservation(none, 1_000, 0.5)));
        Assert.Equal(0, s.Changes);
    }

    [Fact]
    public void Simulcast_encodings_cost_only_themselves()
    {
        var low = new LayerRates(new ulong[,] { { 150_000 } });
        var high = new LayerRates(new ulong[,] { { 900_000 } });
        var rates = LayerRates.FromEncodings([low, high]);
        Assert.Equal((2, 1), (rates.SpatialLayers, rates.TemporalLayers));
        Assert.Equal(150_000ul, rates.UpTo(0, 0));
        Assert.Equal(900_000ul, rates.UpTo(1, 0));
        Assert.Equal(700_000ul, Svc.UpTo(1, 2));
        Assert.Equal(400_000ul, Svc.UpTo(1, 0));
    }

    [Fact]
    public void Meter_measures_each_layer_over_its_window_and_forgets_old_traffic()
    {
        var meter = new LayerBitrateMeter(_clock);
        for (int i = 0; i < 80; i++) // 2 s of 25 ms steps
        {
            meter.Record(0, 0, 500);
            meter.Record(0, 1, 250);
            meter.Record(1, 0, 1000);
            _clock.Advance(TimeSpan.FromMilliseconds(25));
        }
        var rates = meter.Snapshot();
        Assert.Equal((2, 2), (rates.SpatialLayers, rates.TemporalLayers));
        Assert.InRange(rates.UpTo(0, 0), 150_000ul, 170_000ul); // 500 B × 40/s
        Assert.InRange(rates.UpTo(0, 1), 225_000ul, 255_000ul);
        Assert.InRange(rates.UpTo(1, 1), 530_000ul, 590_000ul);
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(0, meter.Snapshot().SpatialLayers);
        meter.Record(9, 0, 100); // out of range indices are ignored
        Assert.Equal(0, meter.Snapshot().SpatialLayers);
    }
}
