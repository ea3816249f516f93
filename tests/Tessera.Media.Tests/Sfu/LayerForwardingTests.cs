using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;
using Tessera.Media.Sdp;
using Tessera.Media.Sfu;
using static Tessera.Media.Tests.Sfu.SfuFixtures;

namespace Tessera.Media.Tests.Sfu;

/// <summary>
/// Per-receiver layer selection through the real forwarding path (IncomingTrack → TrackForwarder →
/// sink), with a manual clock standing in for the connection's once-a-second timer.
/// </summary>
public class LayerForwardingTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly RecordingSink _publisher = new();
    private ushort _sequence = 1000;
    private uint _timestamp = 90000;

    private static byte[] Sized(byte[] head, int size)
    {
        var payload = new byte[Math.Max(size, head.Length)];
        head.CopyTo(payload, 0);
        return payload;
    }

    /// <summary>Advances the clock by frame <paramref name="i"/>'s share of one second, exactly one second per <paramref name="frames"/>.</summary>
    private void Tick(int i, int frames) =>
        _clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond * (i + 1) / frames - TimeSpan.TicksPerSecond * i / frames));

    private byte[] Next(byte[] payload, bool marker, ushort? sequence = null)
    {
        var b = new RtpPacketBuilder
        {
            PayloadType = 96, SequenceNumber = sequence ?? _sequence++, Timestamp = _timestamp, Ssrc = PublisherSsrc,
            Payload = payload, Marker = marker,
        };
        return b.ToArray();
    }

    // ---- VP8 temporal layers ----

    private static readonly int[] TemporalPattern = [0, 2, 1, 2];

    /// <summary>VP8 descriptor with X, T (TID) and the frame tag byte: key or delta.</summary>
    private static byte[] Vp8Frame(int tid, bool key, int size) => Sized([0x90, 0x20, (byte)(tid << 6), (byte)(key ? 0x00 : 0x01)], size);

    /// <summary>One second of 30 single-packet VP8 frames cycling TIDs 0,2,1,2 (about 96 kbit/s).</summary>
    private void PumpVp8Second(IncomingTrack track, int frames = 30)
    {
        for (int i = 0; i < frames; i++)
        {
            int tid = TemporalPattern[_sequence % TemporalPattern.Length];
            track.Deliver(Next(Vp8Frame(tid, false, 400), marker: true));
            _timestamp += 3000;
            Tick(i, frames);
        }
    }

    [Fact]
    public void A_receiver_whose_remb_drops_loses_the_top_temporal_layer_without_gaps_and_gets_it_back_later()
    {
        var track = Track(_publisher, _clock, null, "nack pli");
        var sink = new RecordingSink();
        using var f = new TrackForwarder(track, 7, 96, sink, _clock);
        PumpVp8Second(track);
        PumpVp8Second(track);
        Assert.Equal(60, sink.Rtp.Count);

        f.HandleFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 60_000 }); // T0+T1 cost ~48k, all ~96k
        f.AdaptLayers();
        Assert.Equal(new LayerChoice(0, 1), f.Layers.Limit);
        Assert.True(f.LayersReduced);
        sink.Rtp.Clear();
        PumpVp8Second(track);

        var sent = sink.Rtp.Select(Parse).ToList();
        Assert.Equal(15, sent.Count);                                  // TID 2 frames (half) dropped
        Assert.All(sink.Rtp, p => Assert.NotEqual(2, p[Parse(p).PayloadOffset + 2] >> 6));
        Assert.Equal(Enumerable.Range(sent[0].SequenceNumber, 15), sent.Select(p => (int)p.SequenceNumber));
        Assert.All(sent, p => Assert.True(p.Marker));

        // Headroom again: nothing changes for several seconds, then the layer comes back.
        f.HandleFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 1_000_000 });
        for (int s = 0; s < 5; s++)
        {
            f.AdaptLayers();
            Assert.Equal(new LayerChoice(0, 1), f.Layers.Limit);
            PumpVp8Second(track);
        }
        f.AdaptLayers();
        Assert.Null(f.Layers.Limit);
        int before = sink.Rtp.Count;
        ushort last = Parse(sink.Rtp[^1]).SequenceNumber;
        sink.Rtp.Clear();
        PumpVp8Second(track);
        Assert.InRange(sink.Rtp.Count, 28, 30); // from the next base-layer frame on, everything
        Assert.Equal(last + 1, Parse(sink.Rtp[0]).SequenceNumber);
        Assert.Equal(Enumerable.Range(last + 1, sink.Rtp.Count), sink.Rtp.Select(p => (int)Parse(p).SequenceNumber));
        Assert.True(before > 0);
    }

    [Fact]
    public void Loss_reports_above_ten_percent_drop_a_layer()
    {
        var track = Track(_publisher, _clock);
        using var f = new TrackForwarder(track, 7, 96, new RecordingSink(), _clock);
        PumpVp8Second(track);
        PumpVp8Second(track);
        f.HandleReport(new ReceptionReport { Ssrc = 7, FractionLost = 40 }); // 15.6 %
        f.AdaptLayers();
        Assert.Equal(new LayerChoice(0, 1), f.Layers.Limit);
        f.AdaptLayers(); // the same report is not counted twice
        Assert.Equal(new LayerChoice(0, 1), f.Layers.Limit);
    }

    [Fact]
    public void Publisher_remb_ignores_receivers_served_by_lower_layers()
    {
        var track = Track(_publisher, _clock);
        using var slow = new TrackForwarder(track, 1, 96, new RecordingSink(), _clock);
        using var fast = new TrackForwarder(track, 2, 96, new RecordingSink(), _clock);
        PumpVp8Second(track);
        PumpVp8Second(track);
        slow.HandleFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 60_000 });
        fast.HandleFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 800_000 });
        Assert.Equal(204_800ul, track.TargetBitrate()); // before any decision the slow one holds everyone back
        slow.AdaptLayers();
        fast.AdaptLayers();
        Assert.Equal(800_000ul, track.TargetBitrate());
        fast.Dispose();
        Assert.Equal(204_800ul, track.TargetBitrate()); // only reduced receivers left: the best of them, floored
    }

    // ---- Simulcast ----

    private IncomingTrack LowEncoding() =>
        new("1:l", Video("nack pli"), Video("nack pli").Codecs[0], 0xBBBB, "l", _publisher, 0x5E4F, _clock);

    private ushort _lowSequence = 30000;

    /// <summary>One second of both encodings: h ~240 kbit/s, l ~48 kbit/s; keyframes when asked.</summary>
    private void PumpSimulcastSecond(IncomingTrack high, IncomingTrack low, bool highKey = false, bool lowKey = false)
    {
        for (int i = 0; i < 30; i++)
        {
            high.Deliver(Next(Sized(i == 0 && highKey ? Vp8Key : Vp8Delta, 1000), marker: true));
            low.Deliver(Next(Sized(i == 0 && lowKey ? Vp8Key : Vp8Delta, 200), marker: true, sequence: _lowSequence++));
            _timestamp += 3000;
            Tick(i, 30);
        }
    }

    [Fact]
    public void A_receiver_whose_remb_stays_low_is_switched_to_the_low_encoding_and_back_with_continuous_numbering()
    {
        var high = Track(_publisher, _clock, "h", "nack pli");
        var low = LowEncoding();
        var sink = new RecordingSink();
        using var f = new TrackForwarder(high, 7, 96, sink, _clock) { Encodings = [low, high] };
        PumpSimulcastSecond(high, low, highKey: true);
        PumpSimulcastSecond(high, low);
        Assert.All(sink.Rtp, p => Assert.Equal(1000, Parse(p).PayloadLength));

        f.HandleFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 150_000 });
        f.AdaptLayers();
        Assert.Same(low, f.PendingSource);
        Assert.Contains(_publisher.Rtcp, p => p is PictureLossIndication { MediaSsrc: 0xBBBB });
        Assert.Equal(1_000_000ul, high.TargetBitrate()); // the slow receiver no longer holds h back
        int sentBefore = sink.Rtp.Count;
        PumpSimulcastSecond(high, low, lowKey: true);
        Assert.Same(low, f.Source);
        Assert.DoesNotContain(f, high.Forwarders);
        var afterSwitch = sink.Rtp.Skip(sentBefore).Select(Parse).ToList();
        Assert.Equal(1000, afterSwitch[0].PayloadLength);           // h flows until l's keyframe
        Assert.All(afterSwitch.Skip(1), p => Assert.Equal(200, p.PayloadLength));
        var all = sink.Rtp.Select(Parse).ToList();
        Assert.Equal(Enumerable.Range(all[0].SequenceNumber, all.Count), all.Select(p => (int)p.SequenceNumber));

        // The estimate recovers: h comes back only after the hold, at its keyframe.
        f.HandleFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 2_000_000 });
        for (int s = 0; s < 5; s++)
        {
            f.AdaptLayers();
            Assert.Null(f.PendingSource);
            PumpSimulcastSecond(high, low);
        }
        f.AdaptLayers();
        Assert.Same(high, f.PendingSource);
        PumpSimulcastSecond(high, low, highKey: true);
        Assert.Same(high, f.Source);
        Assert.Equal(1000, Parse(sink.Rtp[^1]).PayloadLength);
        all = sink.Rtp.Select(Parse).ToList();
        Assert.Equal(Enumerable.Range(all[0].SequenceNumber, all.Count), all.Select(p => (int)p.SequenceNumber));
    }

    // ---- VP9 spatial layers ----

    private static NegotiatedMedia Vp9Media() =>
        new("1", "video", [new NegotiatedCodec(98, CodecCatalog.ByName("vp9")!, "profile-id=0", ["nack", "nack pli"])],
            new Dictionary<int, string>(), [], [PublisherSsrc], "s", "t");

    private IncomingTrack Vp9Track() => new("1", Vp9Media(), Vp9Media().Codecs[0], PublisherSsrc, null, _publisher, 0x5E4F, _clock);

    /// <summary>Non-flexible VP9 descriptor: I=0 P L=1 F=0 B E; TID 0, SID, D; TL0PICIDX.</summary>
    private static byte[] Vp9(int sid, bool key, bool begin, bool end, int size) =>
        Sized([(byte)((key ? 0 : 0x40) | 0x20 | (begin ? 0x08 : 0) | (end ? 0x04 : 0)), (byte)((sid << 1) | (sid > 0 ? 1 : 0)), 0], size);

    /// <summary>One picture: S0 in one packet, S1 in two, S2 in one carrying the marker.</summary>
    private void Vp9Picture(IncomingTrack track, bool key = false, int index = 0)
    {
        track.Deliver(Next(Vp9(0, key, true, true, 100), false));
        track.Deliver(Next(Vp9(1, key, true, false, 150), false));
        track.Deliver(Next(Vp9(1, key, false, true, 150), false));
        track.Deliver(Next(Vp9(2, key, true, true, 800), true));
        _timestamp += 3000;
        Tick(index, 30);
    }

    private void Vp9Second(IncomingTrack track, bool keyFirst = false)
    {
        for (int i = 0; i < 30; i++)
            Vp9Picture(track, keyFirst && i == 0, i);
    }

    private static int Sid(byte[] p) => (p[Parse(p).PayloadOffset + 1] >> 1) & 7;

    [Fact]
    public void Vp9_spatial_layers_are_dropped_with_the_marker_moved_to_the_highest_forwarded_layer()
    {
        var track = Vp9Track();
        var sink = new RecordingSink();
        using var f = new TrackForwarder(track, 7, 98, sink, _clock);
        Vp9Second(track, keyFirst: true);
        Vp9Second(track);
        Assert.Equal(240, sink.Rtp.Count);

        f.HandleFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 200_000 }); // all ~288k, S0+S1 ~96k
        f.AdaptLayers();
        Assert.Equal(new LayerChoice(1, 0), f.Layers.Limit);
        sink.Rtp.Clear();
        Vp9Picture(track);
        Vp9Picture(track);

        Assert.Equal([0, 1, 1, 0, 1, 1], sink.Rtp.Select(Sid));
        Assert.Equal([false, false, true, false, false, true], sink.Rtp.Select(p => Parse(p).Marker));
        var seqs = sink.Rtp.Select(p => (int)Parse(p).SequenceNumber).ToList();
        Assert.Equal(Enumerable.Range(seqs[0], 6), seqs);

        // A retransmission of the end of the forwarded picture keeps its marker.
        sink.Rtp.Clear();
        f.HandleFeedback(new GenericNack { LostSequenceNumbers = { (ushort)seqs[2] } });
        Assert.True(Parse(Assert.Single(sink.Rtp)).Marker);

        // Headroom: the top layer returns only at a keyframe, which is asked for.
        f.HandleFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 2_000_000 });
        for (int s = 0; s < 5; s++)
        {
            f.AdaptLayers();
            Vp9Second(track);
        }
        _publisher.Rtcp.Clear();
        f.AdaptLayers();
        Assert.Null(f.Layers.Limit);
        Assert.Contains(_publisher.Rtcp, p => p is PictureLossIndication);
        sink.Rtp.Clear();
        Vp9Picture(track);
        Assert.Equal([0, 1, 1], sink.Rtp.Select(Sid));
        // Still no keyframe a second later: asked for again.
        Vp9Second(track);
        _publisher.Rtcp.Clear();
        f.AdaptLayers();
        Assert.Contains(_publisher.Rtcp, p => p is PictureLossIndication);
        sink.Rtp.Clear();
        Vp9Picture(track);
        Vp9Picture(track, key: true);
        Assert.Equal([0, 1, 1, 0, 1, 1, 2], sink.Rtp.Select(Sid));
        Assert.Equal([false, false, true, false, false, false, true], sink.Rtp.Select(p => Parse(p).Marker));
        // Joined: no more requests.
        Vp9Second(track);
        _publisher.Rtcp.Clear();
        f.AdaptLayers();
        Assert.Empty(_publisher.Rtcp);
    }

    [Fact]
    public void Video_low_on_a_single_scalable_track_forwards_the_lowest_spatial_layer_only()
    {
        var track = Vp9Track();
        var sink = new RecordingSink();
        using var f = new TrackForwarder(track, 7, 98, sink, _clock) { SpatialCeiling = 0 };
        Vp9Picture(track, key: true);
        Vp9Picture(track);
        Assert.Equal([0, 0], sink.Rtp.Select(Sid));
        Assert.All(sink.Rtp, p => Assert.True(Parse(p).Marker));
        Assert.True(f.LayersReduced); // its estimate does not hold back the publisher's upper layers
        Assert.Equal(1, Parse(sink.Rtp[1]).SequenceNumber - Parse(sink.Rtp[0]).SequenceNumber);

        // The selector never goes above the ceiling, whatever the budget.
        Vp9Second(track);
        Vp9Second(track);
        f.HandleFeedback(new ReceiverEstimatedMaxBitrate { Bitrate = 5_000_000 });
        f.AdaptLayers();
        sink.Rtp.Clear();
        Vp9Picture(track, key: true);
        Assert.Equal([0], sink.Rtp.Select(Sid));
    }
}
