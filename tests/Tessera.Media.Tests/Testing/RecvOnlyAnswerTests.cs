using Tessera.Media.Dtls;
using Tessera.Media.Ice;
using Tessera.Media.Sdp;
using Tessera.Media.Testing;
using Tessera.Media.Tests.Sdp;

namespace Tessera.Media.Tests.Testing;

public sealed class RecvOnlyAnswerTests
{
    private static readonly IceCredentials Ice = new("brws", "browserpassword012345678");
    private static readonly DtlsFingerprint Fingerprint = DtlsCertificate.Generate("browser").Fingerprint;

    private static SessionDescription Answer() =>
        SessionDescription.Parse(RecvOnlyAnswer.For(ChromeSamples.PublishOffer, Ice, Fingerprint));

    [Fact]
    public void Every_section_is_answered_recvonly_bundled_and_active()
    {
        var answer = Answer();
        Assert.Equal(["0", "1"], answer.Media.Select(m => m.Mid));
        Assert.Equal(["0", "1"], answer.BundleMids());
        Assert.All(answer.Media, m => Assert.Equal("recvonly", m.Direction));
        Assert.All(answer.Media, m => Assert.Equal("active", m.Attribute("setup")));
        Assert.All(answer.Media, m => Assert.True(m.HasAttribute("rtcp-mux")));
    }

    [Fact]
    public void Only_the_first_offered_codec_is_accepted_with_its_own_lines()
    {
        var video = Answer().Media[1];
        Assert.Equal(["96"], video.Formats);
        Assert.Equal([96], video.RtpMaps().Select(m => m.PayloadType));
        Assert.All(video.AttributeValues("rtcp-fb"), v => Assert.StartsWith("96 ", v));
        Assert.NotEmpty(video.AttributeValues("rtcp-fb"));
    }

    [Fact]
    public void Transport_carries_our_credentials_not_the_offerers()
    {
        var remote = RemoteTransport.From(Answer());
        Assert.Equal((Ice.Ufrag, Ice.Password), (remote.IceUfrag, remote.IcePassword));
        Assert.Equal(Fingerprint.ToSdpValue(), remote.Fingerprint.ToSdpValue());
    }
}
