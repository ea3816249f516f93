using Tessera.Media.Codecs;
using Tessera.Media.Processing;
using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;

namespace Tessera.Media.Tests.Processing;

/// <summary>Each processor of the per-track chains on its own, fed the way its track or forwarder feeds it.</summary>
public class ProcessorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static byte[] Rtp(ushort sequence, uint timestamp = 0, int payload = 100) =>
        new RtpPacketBuilder { PayloadType = 96, SequenceNumber = sequence, Timestamp = timestamp, Ssrc = 7, Payload = new byte[payload] }.ToArray();

    private static void Feed(IReceiveProcessor processor, byte[] data, PacketLayers layers = default, DateTimeOffset? arrival = null)
    {
        Assert.True(RtpPacket.TryParse(data, out var header));
        processor.OnReceived(new ReceivedPacket(data, header, layers, arrival ?? T0));
    }

    [Fact]
    public void Nack_generator_asks_for_the_run_a_gap_reveals_once()
    {
        var sent = new List<RtcpPacket>();
        var nacks = new NackGenerator(localSsrc: 1, mediaSsrc: 7, sent.Add);
        Feed(nacks, Rtp(10));
        Feed(nacks, Rtp(11));
        Assert.Empty(sent);
        Feed(nacks, Rtp(15));
        var nack = Assert.IsType<GenericNack>(Assert.Single(sent));
        Assert.Equal((1u, 7u), (nack.SenderSsrc, nack.MediaSsrc));
        Assert.Equal([(ushort)12, (ushort)13, (ushort)14], nack.LostSequenceNumbers);
        Feed(nacks, Rtp(13)); // the resent packet arrives late: nothing new missing
        Feed(nacks, Rtp(15)); // a duplicate
        Assert.Single(sent);
    }

    [Fact]
    public void Nack_generator_follows_the_wrap_and_ignores_gaps_too_long_to_recover()
    {
        var sent = new List<RtcpPacket>();
        var nacks = new NackGenerator(1, 7, sent.Add);
        Feed(nacks, Rtp(65534));
        Feed(nacks, Rtp(1));
        Assert.Equal([(ushort)65535, (ushort)0], ((GenericNack)Assert.Single(sent)).LostSequenceNumbers);
        Feed(nacks, Rtp(1 + NackGenerator.MaxGap + 2)); // a burst or restart: no NACK, but followed
        Assert.Single(sent);
        Feed(nacks, Rtp(NackGenerator.MaxGap + 5));
        Assert.Equal([(ushort)(NackGenerator.MaxGap + 4)], ((GenericNack)sent[^1]).LostSequenceNumbers);
    }

    [Fact]
    public void Statistics_keep_the_last_reported_loss_for_the_stats_page()
    {
        var statistics = new ReceiveStatistics(7, 90000, new ManualTimeProvider());
        Assert.Equal(0, statistics.LastFractionLost);
        for (ushort s = 1; s <= 8; s++)
            if (s % 3 != 0) Feed(statistics, Rtp(s)); // 3 and 6 lost: a quarter of 1..8
        var report = statistics.CreateReport()!;
        Assert.Equal(64, report.FractionLost);
        Assert.Equal(report.FractionLost, statistics.LastFractionLost);
        for (ushort s = 9; s <= 12; s++) Feed(statistics, Rtp(s));
        statistics.CreateReport();
        Assert.Equal(0, statistics.LastFractionLost); // the next interval lost nothing
    }

    [Fact]
    public void Cache_meter_and_statistics_record_what_the_chain_hands_them()
    {
        var cache = new PacketCache(16);
        var time = new ManualTimeProvider();
        var meter = new LayerBitrateMeter(time);
        var statistics = new ReceiveStatistics(7, 90000, time);
        for (ushort s = 1; s <= 20; s++)
        {
            var data = Rtp(s, payload: 1000);
            foreach (var p in new IReceiveProcessor[] { cache, meter, statistics })
                Feed(p, data, new PacketLayers(0, s % 2, true, false, true), time.GetUtcNow());
        }
        var copy = new byte[PacketCache.SlotSize];
        Assert.Equal(Rtp(20, payload: 1000).Length, cache.TryCopy(20, copy));
        Assert.Equal(0, cache.TryCopy(1, copy)); // overwritten in a 16-slot cache
        Assert.Equal(20, statistics.PacketsReceived);
        time.Advance(TimeSpan.FromMilliseconds(300)); // the meter counts completed quarter-second slots only
        var rates = meter.Snapshot();
        Assert.Equal(2, rates.TemporalLayers);
        Assert.True(rates.UpTo(0, 1) > rates.UpTo(0, 0) && rates.UpTo(0, 0) > 0, "both temporal layers measured");
    }

    [Fact]
    public void Nack_responder_resends_what_the_history_and_the_cache_still_hold()
    {
        var cache = new PacketCache(16);
        var history = new SentPacketHistory();
        var resent = new List<(ushort Sequence, int Length)>();
        var responder = new NackResponder(history, (ReadOnlySpan<byte> data, in ForwardedPacket sent) => resent.Add((sent.Sequence, data.Length)));
        foreach (ushort s in new ushort[] { 100, 101, 102 })
        {
            Feed(cache, Rtp(s, payload: s));
            history.OnForwarded(new ForwardedPacket(cache, 90000, s, (ushort)(s + 1000), 0, false, s, T0));
        }
        responder.OnFeedback(new GenericNack { MediaSsrc = 9, LostSequenceNumbers = [1101, 1102, 1103, 5] });
        Assert.Equal([(1101, Rtp(101, payload: 101).Length), (1102, Rtp(102, payload: 102).Length)], resent);
        responder.OnFeedback(new PictureLossIndication { MediaSsrc = 9 }); // not a NACK: ignored
        Assert.Equal(2, resent.Count);
    }

    [Fact]
    public void History_forgets_a_number_overwritten_by_one_a_full_turn_later()
    {
        var cache = new PacketCache(4);
        var history = new SentPacketHistory();
        history.OnForwarded(new ForwardedPacket(cache, 90000, 1, 5, 0, false, 0, T0));
        Assert.True(history.TryGet(5, out var first));
        Assert.Equal(1, first.SourceSequence);
        history.OnForwarded(new ForwardedPacket(cache, 90000, 2, 5 + SentPacketHistory.Size, 0, false, 0, T0));
        Assert.False(history.TryGet(5, out _));
        Assert.False(history.TryGet(6, out _)); // never sent
    }

    [Fact]
    public void Keyframe_relay_turns_pli_and_fir_into_requests_and_nothing_else()
    {
        int requests = 0;
        var relay = new KeyframeRelay(() => requests++);
        relay.OnFeedback(new PictureLossIndication());
        relay.OnFeedback(new FullIntraRequest());
        relay.OnFeedback(new GenericNack { LostSequenceNumbers = [1] });
        relay.OnFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 1 });
        Assert.Equal(2, requests);
    }

    [Fact]
    public void Receiver_estimates_keep_remb_loss_once_and_the_round_trip_time()
    {
        var time = new ManualTimeProvider();
        var estimates = new ReceiverEstimates(time);
        Assert.Null(estimates.Bitrate);
        estimates.OnFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 300_000 });
        Assert.Equal(300_000UL, estimates.Bitrate);

        // Our sender report went out at T0; the receiver held it 0.25 s; its report arrives at T0 + 0.4 s.
        uint sentAt = (uint)(NtpTime.FromDateTime(time.GetUtcNow()) >> 16);
        time.Advance(TimeSpan.FromMilliseconds(400));
        estimates.OnReport(new ReceptionReport { FractionLost = 64, LastSenderReport = sentAt, DelaySinceLastSenderReport = 65536 / 4 });
        Assert.InRange(estimates.RoundTripTime!.Value.TotalMilliseconds, 149, 151);
        Assert.Equal(0.25, estimates.TakeFreshLoss());
        Assert.Null(estimates.TakeFreshLoss()); // each report counts once

        // A report that would give a negative time leaves the estimate as it was.
        estimates.OnReport(new ReceptionReport { LastSenderReport = sentAt + 65536 * 10 });
        Assert.InRange(estimates.RoundTripTime!.Value.TotalMilliseconds, 149, 151);
    }

    [Fact]
    public void Sender_report_writer_counts_sent_packets_and_extrapolates_rtp_time()
    {
        var time = new ManualTimeProvider();
        var writer = new SenderReportWriter(ssrc: 42, time);
        Assert.Null(writer.Create());
        var cache = new PacketCache(4);
        var sentAt = time.GetUtcNow();
        writer.OnForwarded(new ForwardedPacket(cache, 90000, 1, 1, 3000, false, 500, sentAt));
        writer.OnForwarded(new ForwardedPacket(cache, 90000, 2, 2, 6000, true, 700, sentAt));
        time.Advance(TimeSpan.FromMilliseconds(100));
        var report = writer.Create()!;
        Assert.Equal((42u, 2u, 1200u), (report.Ssrc, report.PacketCount, report.OctetCount));
        Assert.Equal(6000u + 9000u, report.RtpTimestamp); // 0.1 s at 90 kHz after the last packet
        Assert.Equal(NtpTime.FromDateTime(time.GetUtcNow()), report.NtpTimestamp);
    }
}
