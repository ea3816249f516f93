using System.Net;
using Tessera.Media.Codecs;
using Tessera.Media.Dtls;
using Tessera.Media.Ice;
using Tessera.Media.Sdp;

namespace Tessera.Media.Tests.Sdp;

public class SdpBuildTests
{
    private static readonly LocalTransport Local = new(
        new IceCredentials("srvU", "serverpassword0123456789"),
        DtlsFingerprint.TryParse("sha-256 " + string.Join(':', Enumerable.Repeat("AB", 32)), out var fp) ? fp! : throw new Exception(),
        [new IceCandidate("1", 1, IceCandidate.HostPriority(65535), new IPEndPoint(IPAddress.Parse("192.0.2.4"), 50000))]);

    private static PublishAnswer Answer(params string[] codecs) =>
        PublishAnswerBuilder.Build(SessionDescription.Parse(ChromeSamples.PublishOffer), Local, codecs);

    private static MediaDescription Video(PublishAnswer a) => a.Answer.Media.Single(m => m.Mid == "1");
    private static MediaDescription Audio(PublishAnswer a) => a.Answer.Media.Single(m => m.Mid == "0");

    [Fact]
    public void Answer_is_ice_lite_bundled_passive_and_recvonly()
    {
        var a = Answer("vp8", "opus");
        var sdp = SessionDescription.Parse(a.Sdp);
        Assert.True(sdp.HasAttribute("ice-lite"));
        Assert.Equal(["0", "1"], sdp.BundleMids());
        foreach (var m in sdp.Media)
        {
            Assert.Equal("recvonly", m.Direction);
            Assert.Equal("passive", m.Attribute("setup"));
            Assert.True(m.HasAttribute("rtcp-mux"));
            Assert.Equal("srvU", m.Attribute("ice-ufrag"));
            Assert.Equal("serverpassword0123456789", m.Attribute("ice-pwd"));
            Assert.Equal(Local.Fingerprint.ToSdpValue(), m.Attribute("fingerprint"));
            Assert.Equal("1 1 udp 2130706431 192.0.2.4 50000 typ host", m.Attribute("candidate"));
            Assert.True(m.HasAttribute("end-of-candidates"));
            Assert.Equal(50000, m.Port);
        }
    }

    [Fact]
    public void Answer_keeps_only_allowed_codecs_with_the_offers_payload_types()
    {
        var a = Answer("vp8", "opus");
        Assert.Equal(["96"], Video(a).Formats);
        Assert.Equal(["111"], Audio(a).Formats);
        Assert.Equal("111 minptime=10;useinbandfec=1", Audio(a).Attribute("fmtp"));
        Assert.DoesNotContain(Video(a).AttributeValues("rtpmap"), v => v.Contains("rtx"));
        var media = a.Media.Single(m => m.Mid == "1");
        Assert.Equal("vp8", Assert.Single(media.Codecs).Codec.Name);
    }

    [Fact]
    public void Payload_types_follow_the_offer_not_our_table()
    {
        // AV1 is 45 in this offer, 35 in files.md: the answer must say 45.
        var a = Answer("av1", "opus");
        Assert.Equal(["45"], Video(a).Formats);
        Assert.Equal("45 AV1/90000", Video(a).Attribute("rtpmap"));
    }

    [Fact]
    public void H264_without_packetization_mode_1_is_not_accepted()
    {
        var a = Answer("h264", "opus");
        Assert.Equal(["108"], Video(a).Formats);
    }

    [Fact]
    public void Vp9_profiles_are_both_accepted()
    {
        Assert.Equal(["98", "100"], Video(Answer("vp9", "opus")).Formats);
    }

    [Fact]
    public void Video_feedback_is_the_offered_subset_and_audio_gets_none()
    {
        var a = Answer("vp8", "vp9", "opus");
        Assert.Equal(["96 goog-remb", "96 nack", "96 nack pli", "96 ccm fir", "98 goog-remb", "98 nack", "98 nack pli", "98 ccm fir", "100 goog-remb", "100 nack", "100 nack pli"],
            Video(a).AttributeValues("rtcp-fb"));
        Assert.Empty(Audio(a).AttributeValues("rtcp-fb"));
    }

    [Fact]
    public void Only_known_header_extensions_are_accepted()
    {
        var a = Answer("vp8", "opus");
        Assert.Equal(["4 urn:ietf:params:rtp-hdrext:sdes:mid", "10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"],
            Video(a).AttributeValues("extmap"));
        var video = a.Media.Single(m => m.Mid == "1");
        Assert.Equal(10, video.ExtensionId(RtpExtensionUris.RtpStreamId));
        Assert.Equal(0, video.ExtensionId("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"));
    }

    [Fact]
    public void Simulcast_rids_are_accepted_in_order()
    {
        var a = Answer("vp8", "opus");
        Assert.Equal(["h recv", "l recv"], Video(a).AttributeValues("rid"));
        Assert.Equal("recv h;l", Video(a).Attribute("simulcast"));
        Assert.Equal(["h", "l"], a.Media.Single(m => m.Mid == "1").SimulcastRids);
    }

    [Fact]
    public void Section_without_an_allowed_codec_is_rejected_and_unbundled()
    {
        var a = Answer("opus"); // no video codec allowed
        var video = Video(a);
        Assert.Equal(0, video.Port);
        Assert.Equal(["0"], a.Answer.BundleMids());
        Assert.DoesNotContain(a.Media, m => m.Mid == "1");
    }

    [Fact]
    public void Empty_codec_list_means_vp8_and_opus()
    {
        var a = PublishAnswerBuilder.Build(SessionDescription.Parse(ChromeSamples.PublishOffer), Local, []);
        Assert.Equal(["96"], Video(a).Formats);
        Assert.Equal(["111"], Audio(a).Formats);
    }

    [Fact]
    public void Negotiated_media_reports_ssrcs_and_msid()
    {
        var audio = Answer("opus").Media.Single(m => m.Mid == "0");
        Assert.Equal([1001u], audio.Ssrcs);
        Assert.Equal(("8f3c2a", "5b1e9d0c-audio"), (audio.StreamId, audio.TrackId));
    }

    [Fact]
    public void Offer_insisting_on_passive_is_refused()
    {
        string text = ChromeSamples.PublishOffer.Replace("a=setup:actpass", "a=setup:passive");
        Assert.Throws<SdpFormatException>(() => PublishAnswerBuilder.Build(SessionDescription.Parse(text), Local, ["vp8"]));
    }

    private static readonly OutgoingTrack[] DownTracks =
    [
        new("a0", MediaKind.Audio, 0x1111, "stream1", "track-a", "tessera", [Codec.Opus]),
        new("v0", MediaKind.Video, 0x2222, "stream1", "track-v", "tessera", [Codec.Vp8, Codec.H264]),
    ];

    [Fact]
    public void Downstream_offer_is_sendonly_with_table_payload_types_and_ssrcs()
    {
        var sdp = SessionDescription.Parse(DownstreamOfferBuilder.Build(Local, DownTracks, 42, 1).ToString());
        Assert.True(sdp.HasAttribute("ice-lite"));
        Assert.Equal(["a0", "v0"], sdp.BundleMids());
        var audio = sdp.Media[0];
        var video = sdp.Media[1];
        Assert.Equal("sendonly", video.Direction);
        Assert.Equal("actpass", video.Attribute("setup"));
        Assert.Equal(["111"], audio.Formats);
        Assert.Equal("111 opus/48000/2", audio.Attribute("rtpmap"));
        Assert.Equal("111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1", audio.Attribute("fmtp"));
        Assert.Empty(audio.AttributeValues("rtcp-fb"));
        Assert.Equal(["96", "102", "108"], video.Formats);
        Assert.Contains("108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", video.AttributeValues("fmtp"));
        Assert.Equal(["96 goog-remb", "96 nack", "96 nack pli", "96 ccm fir"], video.AttributeValues("rtcp-fb").Where(v => v.StartsWith("96 ")));
        Assert.Equal("stream1 track-v", video.Attribute("msid"));
        Assert.Equal("tessera", video.Ssrcs()[0x2222]["cname"]);
        Assert.Equal("stream1 track-v", video.Ssrcs()[0x2222]["msid"]);
    }

    [Fact]
    public void Downstream_offer_uses_the_table_for_vp9_and_av1()
    {
        var track = new OutgoingTrack("v0", MediaKind.Video, 1, "s", "t", "c", [Codec.Vp9, Codec.Av1]);
        var video = SessionDescription.Parse(DownstreamOfferBuilder.Build(Local, [track], 1, 1).ToString()).Media[0];
        Assert.Equal(["98", "100", "35"], video.Formats);
        Assert.Equal(["98 profile-id=0", "100 profile-id=2"], video.AttributeValues("fmtp"));
    }

    [Fact]
    public void Downstream_answer_is_read_and_either_dtls_role_is_accepted_but_actpass_is_not()
    {
        var answer = DownstreamAnswer.Parse(SessionDescription.Parse(ChromeSamples.DownstreamAnswer()), DownTracks);
        Assert.Equal("Pq2s", answer.Remote.IceUfrag);
        Assert.Equal([111], answer.AcceptedPayloadTypes["a0"]);
        Assert.Equal([96], answer.AcceptedPayloadTypes["v0"]);
        // RFC 8842: the answerer chooses; passive leaves the DTLS client role to us.
        Assert.Equal("passive", DownstreamAnswer.Parse(SessionDescription.Parse(ChromeSamples.DownstreamAnswer("passive")), DownTracks).Remote.Setup);
        Assert.Throws<SdpFormatException>(() =>
            DownstreamAnswer.Parse(SessionDescription.Parse(ChromeSamples.DownstreamAnswer("actpass")), DownTracks));
    }
}
