using Tessera.Media.Sdp;

namespace Tessera.Media.Tests.Sdp;

public class SdpParseTests
{
    private static readonly SessionDescription Offer = SessionDescription.Parse(ChromeSamples.PublishOffer);

    [Fact]
    public void Session_level_bundle_and_sections_are_read()
    {
        Assert.Equal(["0", "1"], Offer.BundleMids());
        Assert.Equal(2, Offer.Media.Count);
        Assert.Equal("audio", Offer.Media[0].Media);
        Assert.Equal("video", Offer.Media[1].Media);
        Assert.Equal(9, Offer.Media[1].Port);
        Assert.Equal("UDP/TLS/RTP/SAVPF", Offer.Media[1].Protocol);
        Assert.Equal("sendonly", Offer.Media[0].Direction);
        Assert.True(Offer.Media[0].HasAttribute("rtcp-mux"));
    }

    [Fact]
    public void Rtpmap_fmtp_and_feedback_are_joined_per_payload_type()
    {
        var maps = Offer.Media[1].RtpMaps();
        var vp9 = maps.Single(m => m.PayloadType == 100);
        Assert.Equal(("VP9", 90000), (vp9.EncodingName, vp9.ClockRate));
        Assert.Equal("2", vp9.FmtpParameters()["profile-id"]);
        Assert.Equal(["goog-remb", "nack", "nack pli"], vp9.Feedback);
        var opus = Offer.Media[0].RtpMaps().Single(m => m.PayloadType == 111);
        Assert.Equal(2, opus.Channels);
    }

    [Fact]
    public void Transport_extmap_ssrc_msid_and_simulcast_are_read()
    {
        var remote = RemoteTransport.From(Offer);
        Assert.Equal("Jd5r", remote.IceUfrag);
        Assert.Equal("kX1Zh9vP0Qk3nT7sLw2Yb8Fe", remote.IcePassword);
        Assert.Equal("actpass", remote.Setup);
        Assert.Equal(ChromeSamples.ClientFingerprint, remote.Fingerprint.ToSdpValue());
        Assert.Equal("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", Offer.Media[1].Extmaps()[10]);
        Assert.Equal("q8ZxW2r+TkPn", Offer.Media[0].Ssrcs()[1001]["cname"]);
        Assert.Equal([("h", "send"), ("l", "send")], Offer.Media[1].Rids());
        Assert.Equal(["h", "l"], Offer.Media[1].SimulcastSendRids());
    }

    [Fact]
    public void Serialising_and_reparsing_preserves_the_sections()
    {
        var again = SessionDescription.Parse(Offer.ToString());
        Assert.Equal(Offer.Media.Count, again.Media.Count);
        Assert.Equal(Offer.Media[1].Formats, again.Media[1].Formats);
        Assert.Equal(Offer.Media[1].Attributes, again.Media[1].Attributes);
        Assert.EndsWith("\r\n", Offer.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("o=- 1 1 IN IP4 0.0.0.0\r\n")]
    [InlineData("v=0\r\nnot a line\r\n")]
    [InlineData("v=0\r\nm=video\r\n")]
    [InlineData("v=0\r\nm=video notaport UDP/TLS/RTP/SAVPF 96\r\n")]
    public void Malformed_sdp_is_refused(string text) =>
        Assert.Throws<SdpFormatException>(() => SessionDescription.Parse(text));

    [Fact]
    public void Offer_without_fingerprint_is_refused()
    {
        string text = string.Join("\r\n", ChromeSamples.PublishOffer.Split("\r\n").Where(l => !l.StartsWith("a=fingerprint")));
        Assert.Throws<SdpFormatException>(() => RemoteTransport.From(SessionDescription.Parse(text)));
    }
}
