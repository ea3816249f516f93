using Tessera.Media.Srtp;
using static Tessera.Media.Tests.Srtp.SrtpTestPackets;

namespace Tessera.Media.Tests.Srtp;

public class SrtpContextTests
{
    public static TheoryData<SrtpProfile> Profiles => new() { SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AeadAes128Gcm };

    [Theory, MemberData(nameof(Profiles))]
    public void Rtp_round_trips_and_hides_the_payload(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        var plain = MakeRtp(1000);
        var wire = Protect(tx, plain);
        Assert.Equal(plain.Length + profile.RtpOverhead(), wire.Length);
        Assert.Equal(plain[..24], wire[..24]); // header (with CSRC and extension) stays clear
        Assert.NotEqual(plain[24..], wire[24..plain.Length]);
        Assert.Equal(SrtpStatus.Ok, Unprotect(rx, wire, out var back));
        Assert.Equal(plain, back);
    }

    // The send path protects into the outgoing datagram: the same bytes as in place, counted in the
    // same sequence of indices (two contexts, one per way, see the same stream across the wrap).
    [Theory, MemberData(nameof(Profiles))]
    public void Protecting_into_another_buffer_gives_the_bytes_protecting_in_place_gives(SrtpProfile profile)
    {
        var (inPlace, rx) = Pair(profile);
        var (elsewhere, _) = Pair(profile);
        foreach (ushort sequence in new ushort[] { 65534, 65535, 0, 1 })
        {
            var plain = MakeRtp(sequence, payloadLength: 1100);
            var expected = Protect(inPlace, plain);
            var input = (byte[])plain.Clone();
            var output = new byte[2048];
            int length = elsewhere.ProtectRtp(input, output);
            Assert.Equal(expected, output[..length]);
            Assert.Equal(plain, input);
            Assert.Equal(SrtpStatus.Ok, Unprotect(rx, output[..length], out var back));
            Assert.Equal(plain, back);
        }
        var packet = MakeRtp(2);
        Assert.Throws<ArgumentException>(() => elsewhere.ProtectRtp(packet, new byte[packet.Length + profile.RtpOverhead() - 1]));
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Rtcp_round_trips_with_e_flag_and_index(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        for (int i = 0; i < 3; i++)
        {
            var plain = MakeRtcp();
            var wire = ProtectRtcp(tx, plain);
            Assert.Equal(plain.Length + profile.RtcpOverhead(), wire.Length);
            int wordAt = profile == SrtpProfile.AeadAes128Gcm ? wire.Length - 4 : plain.Length;
            Assert.Equal(0x80, wire[wordAt]);          // E flag
            Assert.Equal(i, wire[wordAt + 3]);         // SRTCP index counts per packet
            Assert.NotEqual(plain[8..], wire[8..plain.Length]);
            Assert.Equal(SrtpStatus.Ok, UnprotectRtcp(rx, wire, out var back));
            Assert.Equal(plain, back);
        }
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Replayed_rtp_is_refused(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        var wire = Protect(tx, MakeRtp(5));
        Assert.Equal(SrtpStatus.Ok, Unprotect(rx, wire, out _));
        Assert.Equal(SrtpStatus.ReplayDuplicate, Unprotect(rx, wire, out _));
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Rtp_older_than_the_window_is_refused_but_reordering_inside_it_is_accepted(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        var early = Protect(tx, MakeRtp(100));
        var inside = Protect(tx, MakeRtp(140));
        var latest = Protect(tx, MakeRtp(200));
        Assert.Equal(SrtpStatus.Ok, Unprotect(rx, latest, out _));
        Assert.Equal(SrtpStatus.Ok, Unprotect(rx, inside, out _));
        Assert.Equal(SrtpStatus.ReplayTooOld, Unprotect(rx, early, out _));
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Replayed_rtcp_is_refused(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        var wire = ProtectRtcp(tx, MakeRtcp());
        Assert.Equal(SrtpStatus.Ok, UnprotectRtcp(rx, wire, out _));
        Assert.Equal(SrtpStatus.ReplayDuplicate, UnprotectRtcp(rx, wire, out _));
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Tampered_payload_header_or_tag_is_refused(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        var wire = Protect(tx, MakeRtp(7));
        foreach (int at in new[] { 1, 9, 20, 30, wire.Length - 1 })
        {
            var bad = (byte[])wire.Clone();
            bad[at] ^= 0x01;
            Assert.Equal(SrtpStatus.AuthenticationFailed, Unprotect(rx, bad, out _));
        }
        Assert.Equal(SrtpStatus.Ok, Unprotect(rx, wire, out _));
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Tampered_rtcp_is_refused(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        var wire = ProtectRtcp(tx, MakeRtcp());
        var bad = (byte[])wire.Clone();
        bad[10] ^= 0x80;
        Assert.Equal(SrtpStatus.AuthenticationFailed, UnprotectRtcp(rx, bad, out _));
        Assert.Equal(SrtpStatus.Ok, UnprotectRtcp(rx, wire, out _));
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Wrong_master_key_is_refused(SrtpProfile profile)
    {
        var (tx, _) = Pair(profile);
        var key = (byte[])MasterKey.Clone();
        key[0] ^= 1;
        using var rx = new SrtpContext(profile, key, MasterSalt14.AsSpan(0, profile.MasterSaltLength()));
        Assert.Equal(SrtpStatus.AuthenticationFailed, Unprotect(rx, Protect(tx, MakeRtp(1)), out _));
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Rollover_counter_advances_across_65535_to_0(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        var wires = new[] { (ushort)65533, (ushort)65534, (ushort)65535, (ushort)0, (ushort)1 }
            .Select(s => (Seq: s, Wire: Protect(tx, MakeRtp(s)))).ToList();
        // deliver 65535 after 0 to exercise the "ROC - 1" guess as well
        foreach (var i in new[] { 0, 1, 3, 2, 4 })
        {
            Assert.Equal(SrtpStatus.Ok, Unprotect(rx, wires[i].Wire, out var back));
            Assert.Equal(MakeRtp(wires[i].Seq), back);
        }
        Assert.Equal(1u, rx.ReceiveRolloverCounter(0x11223344));
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Sender_and_receiver_disagreeing_on_roc_fail_authentication(SrtpProfile profile)
    {
        // The ROC is authenticated (HMAC input / GCM IV): a receiver that did not see the wrap cannot accept.
        var (tx, rx) = Pair(profile);
        Assert.Equal(SrtpStatus.Ok, Unprotect(rx, Protect(tx, MakeRtp(10)), out _));
        for (int s = 11; s < 65536; s += 20000)
            Protect(tx, MakeRtp((ushort)s));
        Protect(tx, MakeRtp(65535));
        var afterWrap = Protect(tx, MakeRtp(12)); // ROC 1 now; receiver still at ROC 0 near 10
        Assert.Equal(SrtpStatus.AuthenticationFailed, Unprotect(rx, afterWrap, out _));
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Forged_packet_does_not_advance_state(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        Assert.Equal(SrtpStatus.Ok, Unprotect(rx, Protect(tx, MakeRtp(10)), out _));
        var forged = Protect(tx, MakeRtp(40000));
        forged[^1] ^= 0xFF;
        Assert.Equal(SrtpStatus.AuthenticationFailed, Unprotect(rx, forged, out _));
        Assert.Equal(0u, rx.ReceiveRolloverCounter(0x11223344));
        // A genuine packet 11 still decodes: neither ROC nor window moved on the forgery.
        var (tx2, _) = Pair(profile);
        var genuine = Protect(tx2, MakeRtp(11));
        Assert.Equal(SrtpStatus.Ok, Unprotect(rx, genuine, out _));
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Separate_ssrcs_keep_separate_replay_windows(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        var a = Protect(tx, MakeRtp(1, ssrc: 1));
        var b = Protect(tx, MakeRtp(1, ssrc: 2));
        Assert.Equal(SrtpStatus.Ok, Unprotect(rx, a, out _));
        Assert.Equal(SrtpStatus.Ok, Unprotect(rx, b, out _));
    }

    [Fact]
    public void Truncated_packet_is_malformed()
    {
        var (_, rx) = Pair(SrtpProfile.AeadAes128Gcm);
        Assert.Equal(SrtpStatus.Malformed, Unprotect(rx, new byte[20], out _));
    }

    [Fact]
    public void Master_key_of_wrong_length_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProfile.AeadAes128Gcm, MasterKey, MasterSalt14));
    }
}
