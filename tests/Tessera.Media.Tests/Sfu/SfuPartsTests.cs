using Tessera.Media.Processing;
using Tessera.Media.Rtcp;
using Tessera.Media.Sfu;

namespace Tessera.Media.Tests.Sfu;

public class SfuPartsTests
{
    [Fact]
    public void Packet_cache_returns_recent_packets_and_forgets_overwritten_ones()
    {
        var cache = new PacketCache(4);
        for (ushort s = 65534; s != 4; s++)
            cache.Store(s, [(byte)s]);
        var buffer = new byte[10];
        Assert.Equal(1, cache.TryCopy(3, buffer));
        Assert.Equal(3, buffer[0]);
        Assert.Equal(1, cache.TryCopy(0, buffer));
        Assert.Equal(0, cache.TryCopy(65535, buffer)); // overwritten by seq 3
        Assert.Equal(0, cache.TryCopy(100, buffer));
    }

    [Fact]
    public void Packet_cache_grows_keeping_its_packets_up_to_1024()
    {
        var cache = new PacketCache(4);
        for (ushort s = 10; s < 14; s++)
            cache.Store(s, [(byte)s]);
        cache.Grow(64);
        Assert.Equal(64, cache.Capacity);
        var buffer = new byte[4];
        for (ushort s = 10; s < 14; s++)
            Assert.Equal(1, cache.TryCopy(s, buffer));
        cache.Grow(16);
        Assert.Equal(64, cache.Capacity); // never shrinks
        cache.Grow(5000);
        Assert.Equal(PacketCache.MaxCapacity, cache.Capacity);
    }

    [Fact]
    public void Cache_is_sized_from_packet_rate_and_the_slowest_receivers_rtt()
    {
        var clock = new ManualTimeProvider();
        var track = SfuFixtures.Track(new RecordingSink(), clock);
        using var f = new TrackForwarder(track, 5, 96, new RecordingSink(), clock);
        for (int s = 0; s < 400; s++)
            track.Deliver(SfuFixtures.Packet((ushort)s));
        track.AdjustCache(TimeSpan.FromSeconds(1));
        Assert.Equal(160, track.Cache.Capacity); // 400 pkt/s * 0.1 s (RTT floor) * 4

        var sr = f.CreateSenderReport()!;
        clock.Advance(TimeSpan.FromMilliseconds(500));
        f.HandleReport(new Tessera.Media.Rtcp.ReceptionReport { Ssrc = 5, LastSenderReport = (uint)(sr.NtpTimestamp >> 16) });
        for (int s = 400; s < 800; s++)
            track.Deliver(SfuFixtures.Packet((ushort)s));
        track.AdjustCache(TimeSpan.FromSeconds(1));
        Assert.Equal(800, track.Cache.Capacity); // 400 pkt/s * 0.5 s * 4
    }

    [Fact]
    public void Statistics_report_loss_fraction_cumulative_loss_and_wrap()
    {
        var clock = new ManualTimeProvider();
        var stats = new ReceiveStatistics(42, 90000, clock);
        Assert.Null(stats.CreateReport());
        foreach (ushort s in new ushort[] { 65530, 65531, 65533, 65535, 0, 1 })
            stats.OnPacket(s, 0);
        var report = stats.CreateReport()!;
        Assert.Equal(42u, report.Ssrc);
        Assert.Equal(0x10001u, report.HighestSequence);   // one cycle + 1
        Assert.Equal(2, report.CumulativeLost);          // 65532 and 65534
        Assert.Equal((2 << 8) / 8, report.FractionLost);
        stats.OnPacket(2, 0);
        var next = stats.CreateReport()!;
        Assert.Equal(0, next.FractionLost);                // nothing lost in the new interval
        Assert.Equal(2, next.CumulativeLost);
    }

    [Fact]
    public void Statistics_echo_the_last_sender_report_with_its_delay()
    {
        var clock = new ManualTimeProvider();
        var stats = new ReceiveStatistics(1, 48000, clock);
        stats.OnPacket(1, 0);
        stats.OnSenderReport(0x1234_5678_9ABC_DEF0);
        clock.Advance(TimeSpan.FromSeconds(0.5));
        var report = stats.CreateReport()!;
        Assert.Equal(0x5678_9ABCu, report.LastSenderReport);
        Assert.Equal(32768u, report.DelaySinceLastSenderReport);
    }

    [Fact]
    public void Statistics_list_newly_missing_sequence_numbers()
    {
        var stats = new ReceiveStatistics(1, 90000, new ManualTimeProvider());
        Assert.Empty(stats.OnPacket(65534, 0));
        Assert.Equal([(ushort)65535, (ushort)0], stats.OnPacket(1, 0));
        Assert.Empty(stats.OnPacket(0, 0)); // late arrival: nothing new missing
    }

    [Fact]
    public void Jitter_grows_when_arrival_spacing_varies()
    {
        var clock = new ManualTimeProvider();
        var stats = new ReceiveStatistics(1, 90000, clock);
        stats.OnPacket(1, 0);
        clock.Advance(TimeSpan.FromMilliseconds(33));
        stats.OnPacket(2, 3000);
        Assert.True(stats.CreateReport()!.Jitter < 10);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        stats.OnPacket(3, 6000);
        Assert.True(stats.CreateReport()!.Jitter > 200);
    }

    [Fact]
    public void Ntp_time_splits_seconds_and_fraction()
    {
        var t = new DateTimeOffset(1900, 1, 1, 0, 0, 10, TimeSpan.Zero).AddMilliseconds(500);
        Assert.Equal((10ul << 32) | 0x8000_0000ul, NtpTime.FromDateTime(t));
    }

    [Fact]
    public void Rewriter_refuses_a_packet_older_than_every_remembered_drop()
    {
        var r = new SequenceRewriter();
        Assert.True(r.TryRewrite(1000, 0, out _, out _));
        for (ushort s = 1002; s < 1002 + 2 * 65; s += 2)
        {
            r.Skip(s);
            Assert.True(r.TryRewrite((ushort)(s + 1), 0, out _, out _));
        }
        Assert.False(r.TryRewrite(1001, 0, out _, out _)); // 65 drops later: its place is forgotten
        Assert.True(r.TryRewrite(1125, 0, out ushort placed, out _)); // late but within memory
        Assert.Equal(1125 - 62, placed);
    }

    [Fact]
    public void Rewriter_maps_nacked_numbers_back_to_the_source()
    {
        var r = new SequenceRewriter();
        r.Rewrite(1000, 0);
        r.SwitchSource();
        var (outSeq, _) = r.Rewrite(7, 0);
        Assert.Equal(1001, outSeq);
        Assert.Equal(7, r.ToSource(1001));
    }
}
