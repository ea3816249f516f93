using System.Net;
using Tessera.Media.Dtls;
using Tessera.Media.Ice;
using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;
using Tessera.Media.Sfu;
using Tessera.Media.Transport;

using static Tessera.Media.Tests.Sfu.SimulatedCalls;

namespace Tessera.Media.Tests.Sfu;

/// <summary>A publisher and a receiver, both simulated browsers on 127.0.0.1, through the real server stack.</summary>
public sealed class EndToEndTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static byte[] PublisherPacket(ushort seq, string rid = "h", byte marker = 0, uint ssrc = 0x1234)
    {
        var b = new RtpPacketBuilder { PayloadType = 96, SequenceNumber = seq, Timestamp = seq * 3000u, Ssrc = ssrc, Payload = [1, 2, 3, (byte)seq] };
        b.Extensions.Add((4, "1"u8.ToArray()));                 // mid
        b.Extensions.Add((10, System.Text.Encoding.ASCII.GetBytes(rid))); // rtp-stream-id
        return b.ToArray();
    }

    [Fact]
    public async Task Media_flows_from_publisher_to_receiver_with_feedback()
    {
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        var certificate = DtlsCertificate.Generate();
        using var publisher = new BrowserSimulator();
        using var receiver = new BrowserSimulator();

        // Publisher offers, server answers, browser connects.
        using var up = PublisherConnection.Accept(endpoint, certificate, publisher.PublishOffer(), ["vp8", "opus"]);
        var trackAdded = new TaskCompletionSource<IncomingTrack>(TaskCreationOptions.RunContinuationsAsynchronously);
        up.TrackAdded += t => trackAdded.TrySetResult(t);
        await publisher.ConnectPublisherAsync(endpoint, up);

        await publisher.SendRtpAsync(PublisherPacket(1000));
        var track = await trackAdded.Task.WaitAsync(Generous);
        Assert.Equal(("1:h", "h", "vp8"), (track.Id, track.Rid, track.Codec.Codec.Name));

        // Server offers the track to the receiver, which answers and connects.
        using var down = new ReceiverConnection(endpoint, certificate, "stream-1");
        var outgoing = down.AddTrack(track);
        await receiver.ConnectReceiverAsync(endpoint, down);

        // Connecting a receiver asks the publisher for a keyframe.
        var pli = await publisher.ReceiveRtcpAsync<PictureLossIndication>().WaitAsync(Generous);
        Assert.Equal(0x1234u, pli.MediaSsrc);

        for (ushort s = 1001; s <= 1003; s++)
            await publisher.SendRtpAsync(PublisherPacket(s));
        var received = new List<RtpPacket>();
        var raw = new List<byte[]>();
        for (int i = 0; i < 3; i++)
        {
            var bytes = await receiver.ReceiveRtpAsync().WaitAsync(Generous);
            Assert.True(RtpPacket.TryParse(bytes, out var p));
            received.Add(p);
            raw.Add(bytes);
        }
        Assert.All(received, p => Assert.Equal(outgoing.Ssrc, p.Ssrc));
        Assert.All(received, p => Assert.Equal(96, p.PayloadType));
        Assert.All(received, p => Assert.False(p.HasExtension));
        Assert.Equal([1001, 1002, 1003], received.Select(p => (int)p.SequenceNumber));
        Assert.Equal(new byte[] { 1, 2, 3, 0xEA }, raw[1].AsSpan(received[1].PayloadOffset, received[1].PayloadLength).ToArray());

        // A packet lost on the way to the receiver is NACKed and resent from the cache.
        receiver.LoseNextRtp(1);
        await publisher.SendRtpAsync(PublisherPacket(1004));
        await Eventually.True(() => down.Forwarders.Single().PacketsSent == 4);
        await receiver.SendRtcpAsync(new GenericNack { SenderSsrc = 5, MediaSsrc = outgoing.Ssrc, LostSequenceNumbers = { 1004 } });
        var resent = await receiver.ReceiveRtpAsync().WaitAsync(Generous);
        Assert.True(RtpPacket.TryParse(resent, out var again));
        Assert.Equal(1004, again.SequenceNumber);
        Assert.Equal(outgoing.Ssrc, again.Ssrc);

        // The receiver's REMB reaches the forwarder, and the publisher gets receiver reports.
        await receiver.SendRtcpAsync(new ReceiverEstimatedMaxBitrate { SenderSsrc = 5, Bitrate = 300_000, Ssrcs = { outgoing.Ssrc } });
        await Eventually.True(() => down.Forwarders.Single().ReceiverBitrate == 300_000);
        var rr = await publisher.ReceiveRtcpAsync<ReceiverReport>().WaitAsync(Generous);
        Assert.Contains(rr.Reports, r => r.Ssrc == 0x1234);
    }

    private async Task<(PublisherConnection Up, IncomingTrack Track)> PublishAsync(UdpMultiplexer endpoint, DtlsCertificate certificate, BrowserSimulator publisher)
    {
        var up = PublisherConnection.Accept(endpoint, certificate, publisher.PublishOffer(), ["vp8", "opus"]);
        var trackAdded = new TaskCompletionSource<IncomingTrack>(TaskCreationOptions.RunContinuationsAsynchronously);
        up.TrackAdded += t => trackAdded.TrySetResult(t);
        await publisher.ConnectPublisherAsync(endpoint, up);
        await publisher.SendRtpAsync(PublisherPacket(1000));
        return (up, await trackAdded.Task.WaitAsync(Generous));
    }

    [Fact]
    public async Task A_publisher_cannot_make_the_server_hold_more_than_MaxTracks_tracks()
    {
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        using var publisher = new BrowserSimulator();
        using var up = PublisherConnection.Accept(endpoint, DtlsCertificate.Generate(), publisher.PublishOffer(), ["vp8", "opus"]);
        await publisher.ConnectPublisherAsync(endpoint, up);

        // Each new SSRC claiming the simulcast encoding "h" would be a track of its own.
        const uint First = 0x1000;
        for (uint i = 0; i < PublisherConnection.MaxTracks + 8; i++)
            await publisher.SendRtpAsync(PublisherPacket(1, ssrc: First + i));
        // A gap on the first track makes the server NACK: once that arrives, every packet above was handled.
        await publisher.SendRtpAsync(PublisherPacket(5, ssrc: First));
        var nack = await publisher.ReceiveRtcpAsync<GenericNack>().WaitAsync(Generous);
        Assert.Equal(First, nack.MediaSsrc);
        Assert.Equal(PublisherConnection.MaxTracks, up.Tracks.Count);
    }

    /// <summary>
    /// A receiver that answers our actpass offer with a=setup:passive (as pion-based clients do
    /// towards an ICE-lite offerer) makes the server the DTLS client; media must reach it.
    /// </summary>
    [Fact]
    public async Task A_receiver_that_answers_passive_gets_media_with_the_server_as_dtls_client()
    {
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        var certificate = DtlsCertificate.Generate();
        using var publisher = new BrowserSimulator();
        using var receiver = new BrowserSimulator(dtlsRole: Tessera.Media.Dtls.DtlsRole.Server);
        var (up, track) = await PublishAsync(endpoint, certificate, publisher);
        using var _ = up;

        using var down = new ReceiverConnection(endpoint, certificate, "stream-1");
        var outgoing = down.AddTrack(track);
        var offer = down.CreateOffer();
        var answer = receiver.AnswerFor(offer);
        Assert.Contains("a=setup:passive", answer);
        down.ApplyAnswer(answer);
        await receiver.ConnectAsync(endpoint.LocalEndPoint, offer);
        await Eventually.True(() => down.Transport.State == PeerTransportState.Connected);

        for (ushort s = 1001; s <= 1003; s++)
            await publisher.SendRtpAsync(PublisherPacket(s));
        for (ushort s = 1001; s <= 1003; s++)
        {
            Assert.True(RtpPacket.TryParse(await receiver.ReceiveRtpAsync().WaitAsync(Generous), out var p));
            Assert.Equal((outgoing.Ssrc, s), (p.Ssrc, p.SequenceNumber));
        }
        // And feedback flows the other way, protected with the receiver's (DTLS server's) keys.
        await receiver.SendRtcpAsync(new ReceiverEstimatedMaxBitrate { SenderSsrc = 5, Bitrate = 300_000, Ssrcs = { outgoing.Ssrc } });
        await Eventually.True(() => down.Forwarders.Single().ReceiverBitrate == 300_000);
    }

    [Fact]
    public async Task A_passive_receiver_whose_certificate_does_not_match_its_answer_is_refused()
    {
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        var certificate = DtlsCertificate.Generate();
        using var publisher = new BrowserSimulator();
        using var receiver = new BrowserSimulator(dtlsRole: Tessera.Media.Dtls.DtlsRole.Server);
        var (up, track) = await PublishAsync(endpoint, certificate, publisher);
        using var _ = up;
        using var down = new ReceiverConnection(endpoint, certificate, "stream-1");
        down.AddTrack(track);
        var offer = down.CreateOffer();
        // The answer names another certificate than the one the receiver will present.
        var answer = receiver.AnswerFor(offer).Replace(receiver.Certificate.Fingerprint.ToSdpValue(), DtlsCertificate.Generate().Fingerprint.ToSdpValue());
        down.ApplyAnswer(answer);
        await Assert.ThrowsAnyAsync<Exception>(() => receiver.ConnectAsync(endpoint.LocalEndPoint, offer));
        await Eventually.True(() => down.Transport.State == PeerTransportState.Failed);
        Assert.Contains("does not match the SDP fingerprint", down.Transport.FailureReason);
    }

    [Fact]
    public async Task Renegotiation_with_ice_restart_answers_new_credentials_and_media_keeps_flowing()
    {
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        var certificate = DtlsCertificate.Generate();
        using var publisher = new BrowserSimulator();
        using var up = PublisherConnection.Accept(endpoint, certificate, publisher.PublishOffer(), ["vp8"]);
        await publisher.ConnectPublisherAsync(endpoint, up);
        string oldUfrag = up.Transport.Local.Ice.Ufrag;

        var restarted = new BrowserSimulator(new IceCredentials("rst9", "restartpassword012345678"));
        string offer = restarted.PublishOffer().Replace(restarted.Certificate.Fingerprint.ToSdpValue(), publisher.Certificate.Fingerprint.ToSdpValue());
        string answer = up.Renegotiate(offer);

        var remote = Tessera.Media.Sdp.RemoteTransport.From(Tessera.Media.Sdp.SessionDescription.Parse(answer));
        Assert.NotEqual(oldUfrag, remote.IceUfrag);
        Assert.Equal(up.Transport.Local.Ice.Ufrag, remote.IceUfrag);
        Assert.Equal("rst9", up.Transport.Ice.RemoteUfrag);
        Assert.Equal(PeerTransportState.Connected, up.Transport.State); // DTLS and SRTP survive the restart
        restarted.Dispose();

        var added = new TaskCompletionSource<IncomingTrack>(TaskCreationOptions.RunContinuationsAsynchronously);
        up.TrackAdded += t => added.TrySetResult(t);
        await publisher.SendRtpAsync(PublisherPacket(7));
        Assert.Equal("1:h", (await added.Task.WaitAsync(Generous)).Id);
    }

    [Fact]
    public async Task Publisher_with_a_certificate_not_matching_its_offer_is_refused()
    {
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        var certificate = DtlsCertificate.Generate();
        using var publisher = new BrowserSimulator();
        using var up = PublisherConnection.Accept(endpoint, certificate, publisher.PublishOffer(), ["vp8"]);
        // Someone who knows the ICE credentials but holds another certificate than the offer's fingerprint.
        using var impostor = new BrowserSimulator(publisher.Ice);
        await Assert.ThrowsAnyAsync<Exception>(() => impostor.ConnectAsync(endpoint.LocalEndPoint, up.AnswerSdp));
        await Eventually.True(() => up.Transport.State == PeerTransportState.Failed);
        Assert.Contains("fingerprint", up.Transport.FailureReason);
    }
}
