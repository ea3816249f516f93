using Tessera.Media.Rtcp;
using Tessera.Media.Sfu;
using static Tessera.Media.Tests.Sfu.SfuFixtures;

namespace Tessera.Media.Tests.Sfu;

public class ForwardingTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly RecordingSink _publisher = new();

    [Fact]
    public void Each_receiver_gets_its_own_ssrc_payload_type_and_no_extensions()
    {
        var track = Track(_publisher, _clock, null, "nack", "nack pli");
        var alice = new RecordingSink();
        var bob = new RecordingSink();
        using var toAlice = new TrackForwarder(track, 0x1111, 100, alice, _clock);
        using var toBob = new TrackForwarder(track, 0x2222, 96, bob, _clock);

        track.Deliver(Packet(500));

        var a = Parse(alice.Rtp.Single());
        var b = Parse(bob.Rtp.Single());
        Assert.Equal((0x1111u, (byte)100), (a.Ssrc, a.PayloadType));
        Assert.Equal((0x2222u, (byte)96), (b.Ssrc, b.PayloadType));
        Assert.False(a.HasExtension);
        Assert.Equal(new byte[] { 0xF4, 0x01, 0xEE, 0xFF }, alice.Rtp[0].AsSpan(a.PayloadOffset, a.PayloadLength).ToArray());
        Assert.Equal(500, a.SequenceNumber);
    }

    [Fact]
    public void Detached_forwarder_stops_receiving()
    {
        var track = Track(_publisher, _clock);
        var sink = new RecordingSink();
        var f = new TrackForwarder(track, 1, 96, sink, _clock);
        track.Deliver(Packet(1));
        f.Dispose();
        track.Deliver(Packet(2));
        Assert.Single(sink.Rtp);
    }

    [Fact]
    public void Switching_source_waits_for_a_keyframe_and_keeps_numbering_continuous()
    {
        var high = Track(_publisher, _clock, "h", "nack pli");
        var low = new IncomingTrack("1l", Video("nack pli"), Video("nack pli").Codecs[0], 0xBBBB, "l", _publisher, 0x5E4F, _clock);
        var sink = new RecordingSink();
        using var f = new TrackForwarder(high, 7, 96, sink, _clock);
        high.Deliver(Packet(100, 90000, Vp8Delta));
        high.Deliver(Packet(101, 93000, Vp8Delta));

        f.SwitchSource(low);
        var pli = Assert.IsType<PictureLossIndication>(Assert.Single(_publisher.Rtcp));
        Assert.Equal(0xBBBBu, pli.MediaSsrc);
        low.Deliver(Packet(40000, 5000, Vp8Delta));   // not decodable alone: dropped
        high.Deliver(Packet(102, 96000, Vp8Delta));   // old source still flows
        Assert.Same(low, f.PendingSource);
        low.Deliver(Packet(40001, 8000, Vp8Key));     // switch happens here
        low.Deliver(Packet(40002, 11000, Vp8Delta));
        high.Deliver(Packet(103, 99000, Vp8Delta));   // detached now

        Assert.Null(f.PendingSource);
        Assert.Same(low, f.Source);
        Assert.DoesNotContain(f, high.Forwarders);
        Assert.Equal([100, 101, 102, 103, 104], sink.Rtp.Select(p => (int)Parse(p).SequenceNumber));
        Assert.Equal([90000u, 93000u, 96000u, 99000u, 102000u], sink.Rtp.Select(p => Parse(p).Timestamp));
    }

    [Fact]
    public void Switching_back_before_the_keyframe_cancels_the_switch()
    {
        var high = Track(_publisher, _clock, "h", "nack pli");
        var low = new IncomingTrack("1l", Video("nack pli"), Video("nack pli").Codecs[0], 0xBBBB, "l", _publisher, 0x5E4F, _clock);
        using var f = new TrackForwarder(high, 7, 96, new RecordingSink(), _clock);
        f.SwitchSource(low);
        Assert.Contains(f, low.Forwarders);
        f.SwitchSource(high);
        Assert.Null(f.PendingSource);
        Assert.DoesNotContain(f, low.Forwarders);
    }

    [Fact]
    public void Receiver_nack_is_answered_from_the_cache_in_the_receivers_numbering()
    {
        var track = Track(_publisher, _clock);
        var sink = new RecordingSink();
        using var f = new TrackForwarder(track, 9, 97, sink, _clock);
        for (ushort s = 10; s < 20; s++)
            track.Deliver(Packet(s));
        sink.Rtp.Clear();

        f.HandleFeedback(new GenericNack { SenderSsrc = 1, MediaSsrc = 9, LostSequenceNumbers = { 12, 15 } });

        Assert.Equal([12, 15], sink.Rtp.Select(p => (int)Parse(p).SequenceNumber));
        Assert.All(sink.Rtp, p => Assert.Equal(9u, Parse(p).Ssrc));
        Assert.Equal((byte)12, sink.Rtp[0][Parse(sink.Rtp[0]).PayloadOffset]);
        Assert.Equal(10, f.PacketsSent); // retransmissions are not counted again
    }

    [Fact]
    public void Nack_for_a_packet_sent_before_a_switch_is_answered_from_the_old_source()
    {
        var high = Track(_publisher, _clock, "h");
        var low = new IncomingTrack("1l", Video(), Video().Codecs[0], 0xBBBB, "l", _publisher, 0x5E4F, _clock);
        var sink = new RecordingSink();
        using var f = new TrackForwarder(high, 7, 96, sink, _clock);
        high.Deliver(Packet(100, 90000, [0x10, 0x01, 0xAA]));
        f.SwitchSource(low);
        low.Deliver(Packet(5000, 1000, Vp8Key));
        low.Deliver(Packet(5001, 4000, [0x10, 0x01, 0xBB]));
        sink.Rtp.Clear();

        f.HandleFeedback(new GenericNack { LostSequenceNumbers = { 100, 102 } });

        Assert.Equal(2, sink.Rtp.Count);
        var first = Parse(sink.Rtp[0]);
        Assert.Equal((100, 90000u), (first.SequenceNumber, first.Timestamp));
        Assert.Equal(0xAA, sink.Rtp[0][first.PayloadOffset + 2]); // the high layer's packet
        Assert.Equal(0xBB, sink.Rtp[1][Parse(sink.Rtp[1]).PayloadOffset + 2]);
    }

    private static byte[] Vp8WithTid(int tid) => [0x90, 0x20, (byte)(tid << 6), 0x01, (byte)tid];

    [Fact]
    public void Temporal_layers_above_the_limit_are_dropped_without_gaps()
    {
        var track = Track(_publisher, _clock);
        var sink = new RecordingSink();
        using var f = new TrackForwarder(track, 7, 96, sink, _clock) { MaxTemporalLayer = 1 };
        int[] tids = [0, 2, 1, 2, 0];
        for (int i = 0; i < tids.Length; i++)
            track.Deliver(Packet((ushort)(200 + i), 0, Vp8WithTid(tids[i])));

        Assert.Equal([200, 201, 202], sink.Rtp.Select(p => (int)Parse(p).SequenceNumber));
        Assert.Equal([0, 1, 0], sink.Rtp.Select(p => p[Parse(p).PayloadOffset + 4] & 0xFF));

        sink.Rtp.Clear();
        f.HandleFeedback(new GenericNack { LostSequenceNumbers = { 201 } });
        var resent = Parse(Assert.Single(sink.Rtp));
        Assert.Equal(201, resent.SequenceNumber);
        Assert.Equal(1, sink.Rtp[0][resent.PayloadOffset + 4]); // source packet 202, the TID 1 one
    }

    [Fact]
    public void Late_packet_is_placed_where_it_belongs_despite_a_later_drop()
    {
        var track = Track(_publisher, _clock);
        var sink = new RecordingSink();
        using var f = new TrackForwarder(track, 7, 96, sink, _clock) { MaxTemporalLayer = 0 };
        track.Deliver(Packet(300, 0, Vp8WithTid(0)));
        track.Deliver(Packet(302, 0, Vp8WithTid(1)));   // dropped
        track.Deliver(Packet(303, 0, Vp8WithTid(0)));
        track.Deliver(Packet(301, 0, Vp8WithTid(0)));   // late, from before the drop
        Assert.Equal([300, 302, 301], sink.Rtp.Select(p => (int)Parse(p).SequenceNumber));
    }

    [Fact]
    public void Nack_for_an_evicted_packet_sends_nothing()
    {
        var track = Track(_publisher, _clock);
        var sink = new RecordingSink();
        using var f = new TrackForwarder(track, 9, 96, sink, _clock);
        for (int s = 0; s < 300; s++)
            track.Deliver(Packet((ushort)s));
        sink.Rtp.Clear();
        f.HandleFeedback(new GenericNack { LostSequenceNumbers = { 5 } });
        Assert.Empty(sink.Rtp);
    }

    [Fact]
    public void Keyframe_requests_are_rate_limited()
    {
        var track = Track(_publisher, _clock, null, "nack pli");
        using var a = new TrackForwarder(track, 1, 96, new RecordingSink(), _clock);
        using var b = new TrackForwarder(track, 2, 96, new RecordingSink(), _clock);
        a.HandleFeedback(new PictureLossIndication { MediaSsrc = 1 });
        b.HandleFeedback(new FullIntraRequest { Entries = { (2, 1) } });
        Assert.Single(_publisher.Rtcp);
        _clock.Advance(TimeSpan.FromSeconds(1));
        b.HandleFeedback(new PictureLossIndication { MediaSsrc = 2 });
        Assert.Equal(2, _publisher.Rtcp.Count);
        Assert.All(_publisher.Rtcp, p => Assert.Equal(PublisherSsrc, Assert.IsType<PictureLossIndication>(p).MediaSsrc));
    }

    [Fact]
    public void Fir_is_used_when_only_ccm_fir_was_negotiated_with_new_sequence_numbers()
    {
        var track = Track(_publisher, _clock, null, "ccm fir");
        Assert.True(track.RequestKeyframe());
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(track.RequestKeyframe());
        var firs = _publisher.Rtcp.Cast<FullIntraRequest>().ToList();
        Assert.Equal([(PublisherSsrc, (byte)0)], firs[0].Entries);
        Assert.Equal([(PublisherSsrc, (byte)1)], firs[1].Entries);
    }

    [Fact]
    public void Publisher_gaps_become_nacks_only_when_nack_was_negotiated()
    {
        var withNack = Track(_publisher, _clock, null, "nack");
        withNack.Deliver(Packet(1));
        withNack.Deliver(Packet(4));
        var nack = Assert.IsType<GenericNack>(Assert.Single(_publisher.Rtcp));
        Assert.Equal([(ushort)2, (ushort)3], nack.LostSequenceNumbers);
        Assert.Equal(PublisherSsrc, nack.MediaSsrc);

        var quiet = new RecordingSink();
        var withoutNack = Track(quiet, _clock);
        withoutNack.Deliver(Packet(1));
        withoutNack.Deliver(Packet(4));
        Assert.Empty(quiet.Rtcp);
    }

    [Fact]
    public void Target_bitrate_follows_receivers_remb_with_floors()
    {
        var track = Track(_publisher, _clock);
        using var a = new TrackForwarder(track, 1, 96, new RecordingSink(), _clock);
        using var b = new TrackForwarder(track, 2, 96, new RecordingSink(), _clock);
        Assert.Equal(1_000_000ul, track.TargetBitrate());
        a.HandleFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 600_000 });
        b.HandleFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 300_000 });
        Assert.Equal(300_000ul, track.TargetBitrate());
        b.HandleFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 50_000 });
        Assert.Equal(204_800ul, track.TargetBitrate());
        Assert.Equal(102_400ul, Track(_publisher, _clock, "l").TargetBitrate());
    }

    [Fact]
    public void Round_trip_time_comes_from_the_receivers_echo_of_our_sender_report()
    {
        var track = Track(_publisher, _clock);
        using var f = new TrackForwarder(track, 5, 96, new RecordingSink(), _clock);
        track.Deliver(Packet(1));
        var sr = f.CreateSenderReport()!;
        _clock.Advance(TimeSpan.FromMilliseconds(600));
        f.HandleReport(new ReceptionReport { Ssrc = 5, LastSenderReport = (uint)(sr.NtpTimestamp >> 16), DelaySinceLastSenderReport = 32768 });
        Assert.InRange(f.RoundTripTime!.Value.TotalMilliseconds, 99, 101);
    }

    [Fact]
    public void Sender_report_counts_packets_and_extrapolates_rtp_time()
    {
        var track = Track(_publisher, _clock);
        using var f = new TrackForwarder(track, 5, 96, new RecordingSink(), _clock);
        Assert.Null(f.CreateSenderReport());
        track.Deliver(Packet(1, 90000));
        track.Deliver(Packet(2, 93000));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var sr = f.CreateSenderReport()!;
        Assert.Equal(5u, sr.Ssrc);
        Assert.Equal(2u, sr.PacketCount);
        Assert.Equal(8u, sr.OctetCount);
        Assert.Equal(93000u + 90000u, sr.RtpTimestamp);
        Assert.Equal(NtpTime.FromDateTime(_clock.GetUtcNow()), sr.NtpTimestamp);
    }
}
