using Tessera.Media.Rtcp;

namespace Tessera.Media.Tests.Rtcp;

public class RtcpTests
{
    private static T Single<T>(byte[] bytes) where T : RtcpPacket
    {
        Assert.True(RtcpCompound.TryParse(bytes, out var packets));
        return Assert.IsType<T>(Assert.Single(packets));
    }

    [Fact]
    public void Hand_built_receiver_report_parses()
    {
        var bytes = Hex.Parse("""
            81 C9 00 07 11 11 11 11
            22 22 22 22 40 FF FF FE 00 01 00 10 00 00 00 20 12 34 56 78 00 00 01 00
            """);
        var rr = Single<ReceiverReport>(bytes);
        Assert.Equal(0x11111111u, rr.Ssrc);
        var r = Assert.Single(rr.Reports);
        Assert.Equal(0x22222222u, r.Ssrc);
        Assert.Equal(0x40, r.FractionLost);
        Assert.Equal(-2, r.CumulativeLost); // 24-bit two's complement
        Assert.Equal(0x00010010u, r.HighestSequence);
        Assert.Equal(32u, r.Jitter);
        Assert.Equal(0x12345678u, r.LastSenderReport);
        Assert.Equal(256u, r.DelaySinceLastSenderReport);
        Assert.Equal(bytes, rr.ToArray());
    }

    [Fact]
    public void A_padded_packet_of_an_unknown_type_is_kept_whole_and_serialises_again()
    {
        // An APP packet (204) of 12 bytes whose last 4 are padding, after a receiver report without blocks.
        byte[] compound = [0x80, 201, 0, 1, 0, 0, 0, 1, 0xA0, 204, 0, 2, 0, 0, 0, 2, 0, 0, 0, 4];
        Assert.True(RtcpCompound.TryParse(compound, out var packets));
        var app = Assert.IsType<UnknownRtcpPacket>(packets[1]);
        Assert.Equal(12, app.Length);
        Assert.Equal(compound, RtcpCompound.Serialize(packets));
    }

    [Fact]
    public void Sender_report_round_trips()
    {
        var sr = new SenderReport
        {
            Ssrc = 5, NtpTimestamp = 0x0102030405060708, RtpTimestamp = 9, PacketCount = 10, OctetCount = 11,
            Reports = { new ReceptionReport { Ssrc = 6, FractionLost = 1, CumulativeLost = 1000, HighestSequence = 70000 } },
        };
        var bytes = sr.ToArray();
        Assert.Equal(0x81, bytes[0]);
        Assert.Equal(200, bytes[1]);
        Assert.Equal(12, bytes[3]); // 52 bytes = 13 words
        var back = Single<SenderReport>(bytes);
        Assert.Equal(0x0102030405060708ul, back.NtpTimestamp);
        Assert.Equal(sr.Reports[0], back.Reports[0]);
    }

    [Fact]
    public void Sdes_with_cname_round_trips_and_is_word_aligned()
    {
        var sdes = new SourceDescription { Chunks = { new(0xABCD, [(SourceDescription.CnameItem, "user@host")]) } };
        var bytes = sdes.ToArray();
        Assert.Equal(0, bytes.Length % 4);
        var back = Single<SourceDescription>(bytes);
        Assert.Equal(0xABCDu, back.Chunks[0].Ssrc);
        Assert.Equal((SourceDescription.CnameItem, "user@host"), Assert.Single(back.Chunks[0].Items));
    }

    [Fact]
    public void Bye_with_reason_round_trips()
    {
        var bye = Single<Goodbye>(new Goodbye { Ssrcs = { 1, 2 }, Reason = "done" }.ToArray());
        Assert.Equal([1u, 2u], bye.Ssrcs);
        Assert.Equal("done", bye.Reason);
    }

    [Fact]
    public void Hand_built_nack_expands_bitmask()
    {
        // PID 100, BLP 0b101 -> 100, 101, 103
        var bytes = Hex.Parse("81 CD 00 03 00 00 00 01 00 00 00 02 00 64 00 05");
        var nack = Single<GenericNack>(bytes);
        Assert.Equal(1u, nack.SenderSsrc);
        Assert.Equal(2u, nack.MediaSsrc);
        Assert.Equal([(ushort)100, (ushort)101, (ushort)103], nack.LostSequenceNumbers);
        Assert.Equal(bytes, nack.ToArray());
    }

    [Fact]
    public void Nack_packs_losses_across_wraparound_and_beyond_16()
    {
        var nack = new GenericNack { SenderSsrc = 1, MediaSsrc = 2, LostSequenceNumbers = { 65534, 65535, 0, 5, 40 } };
        var back = Single<GenericNack>(nack.ToArray());
        Assert.Equal(nack.LostSequenceNumbers, back.LostSequenceNumbers);
        Assert.Equal(12 + 2 * 4, nack.Length); // {65534: +1,+2,+7} and {40}
    }

    [Fact]
    public void Pli_matches_hand_built_bytes()
    {
        var bytes = Hex.Parse("81 CE 00 02 00 00 00 01 00 00 00 02");
        var pli = Single<PictureLossIndication>(bytes);
        Assert.Equal(2u, pli.MediaSsrc);
        Assert.Equal(bytes, new PictureLossIndication { SenderSsrc = 1, MediaSsrc = 2 }.ToArray());
    }

    [Fact]
    public void Fir_matches_hand_built_bytes()
    {
        var bytes = Hex.Parse("84 CE 00 04 00 00 00 01 00 00 00 00 00 00 00 09 07 00 00 00");
        var fir = Single<FullIntraRequest>(bytes);
        Assert.Equal([(9u, (byte)7)], fir.Entries);
        Assert.Equal(bytes, new FullIntraRequest { SenderSsrc = 1, Entries = { (9, 7) } }.ToArray());
    }

    [Fact]
    public void Remb_matches_hand_built_bytes()
    {
        // 1 SSRC, exp 3, mantissa 0x3D090 (250000) -> 2,000,000 bit/s
        var bytes = Hex.Parse("8F CE 00 05 00 00 00 01 00 00 00 00 52 45 4D 42 01 0F D0 90 00 00 00 09");
        var remb = Single<ReceiverEstimatedMaxBitrate>(bytes);
        Assert.Equal(2_000_000ul, remb.Bitrate);
        Assert.Equal([9u], remb.Ssrcs);
        Assert.Equal(bytes, new ReceiverEstimatedMaxBitrate { SenderSsrc = 1, Bitrate = 2_000_000, Ssrcs = { 9 } }.ToArray());
    }

    [Fact]
    public void Remb_of_2_pow_30_round_trips()
    {
        var remb = Single<ReceiverEstimatedMaxBitrate>(new ReceiverEstimatedMaxBitrate { Bitrate = 1ul << 30, Ssrcs = { 1, 2 } }.ToArray());
        Assert.Equal(1ul << 30, remb.Bitrate);
    }

    [Fact]
    public void Compound_parses_in_order_and_keeps_unknown_packets()
    {
        var app = Hex.Parse("80 CC 00 02 00 00 00 01 41 42 43 44");
        var bytes = RtcpCompound.Serialize(
            new ReceiverReport { Ssrc = 1 },
            new SourceDescription { Chunks = { new(1, [(1, "x")]) } },
            new UnknownRtcpPacket(app),
            new PictureLossIndication { SenderSsrc = 1, MediaSsrc = 2 });
        Assert.True(RtcpCompound.TryParse(bytes, out var packets));
        Assert.Collection(packets,
            p => Assert.IsType<ReceiverReport>(p),
            p => Assert.IsType<SourceDescription>(p),
            p => Assert.Equal(app, Assert.IsType<UnknownRtcpPacket>(p).Raw),
            p => Assert.IsType<PictureLossIndication>(p));
    }

    [Fact]
    public void Malformed_compounds_are_refused()
    {
        var rr = new ReceiverReport { Ssrc = 1 }.ToArray();
        var badVersion = (byte[])rr.Clone();
        badVersion[0] = 0x41;
        Assert.False(RtcpCompound.TryParse(badVersion, out _));
        var overrun = (byte[])rr.Clone();
        overrun[3] = 5;
        Assert.False(RtcpCompound.TryParse(overrun, out _));
        var claimsReport = (byte[])rr.Clone();
        claimsReport[0] = 0x81; // one report block announced, none present
        Assert.False(RtcpCompound.TryParse(claimsReport, out _));
        var paddedFirst = RtcpCompound.Serialize(new ReceiverReport { Ssrc = 1 }, new ReceiverReport { Ssrc = 2 });
        paddedFirst[0] |= 0x20;
        Assert.False(RtcpCompound.TryParse(paddedFirst, out _));
        Assert.False(RtcpCompound.TryParse(ReadOnlySpan<byte>.Empty, out _));
    }

    [Fact]
    public void Rtcp_is_told_apart_from_rtp_by_packet_type()
    {
        Assert.True(RtcpPacketType.IsRtcp(new ReceiverReport().ToArray()));
        Assert.False(RtcpPacketType.IsRtcp([0x80, 96, 0, 1]));
        Assert.False(RtcpPacketType.IsRtcp([0x80, 0x80 | 96, 0, 1])); // marker + PT 96 = 224
    }
}
