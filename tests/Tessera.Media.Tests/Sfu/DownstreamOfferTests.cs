using System.Net;
using Tessera.Media.Dtls;
using Tessera.Media.Sdp;
using Tessera.Media.Sfu;
using Tessera.Media.Transport;

namespace Tessera.Media.Tests.Sfu;

public sealed class DownstreamOfferTests
{
    [Fact]
    public async Task Removed_track_is_rejected_in_the_next_offer_and_stops_forwarding()
    {
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        var clock = new ManualTimeProvider();
        var video = SfuFixtures.Track(new RecordingSink(), clock, null, "nack");
        using var down = new ReceiverConnection(endpoint, DtlsCertificate.Generate(), "s1", clock);
        var a = down.AddTrack(video);
        var b = down.AddTrack(video);
        using var browser = new BrowserSimulator();
        down.ApplyAnswer(browser.AnswerFor(down.CreateOffer()));
        Assert.Equal(2, video.Forwarders.Count);

        down.RemoveTrack(a);
        var offer = SessionDescription.Parse(down.CreateOffer());

        Assert.Equal([b.Mid], offer.BundleMids());
        Assert.Equal(0, offer.Media[0].Port);
        Assert.Equal("inactive", offer.Media[0].Direction);
        Assert.Equal(a.Mid, offer.Media[0].Mid);
        Assert.Equal("sendonly", offer.Media[1].Direction);
        Assert.Equal(b.Ssrc, Assert.Single(video.Forwarders).Ssrc);
        Assert.EndsWith(" 2 IN IP4 127.0.0.1", offer.Origin); // session version advances
    }

    [Fact]
    public async Task Offer_with_ice_restart_carries_new_credentials()
    {
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        var clock = new ManualTimeProvider();
        using var down = new ReceiverConnection(endpoint, DtlsCertificate.Generate(), "s1", clock);
        down.AddTrack(SfuFixtures.Track(new RecordingSink(), clock));
        using var browser = new BrowserSimulator();
        var first = RemoteTransport.From(SessionDescription.Parse(down.CreateOffer()));
        down.ApplyAnswer(browser.AnswerFor(down.CreateOffer()));
        var second = RemoteTransport.From(SessionDescription.Parse(down.CreateOffer(iceRestart: true)));
        Assert.NotEqual(first.IceUfrag, second.IceUfrag);
        Assert.NotEqual(first.IcePassword, second.IcePassword);
        Assert.Equal(first.Fingerprint, second.Fingerprint);
    }
}
