using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Tessera.Media.Dtls;
using Tessera.Media.Ice;
using Tessera.Media.Sdp;
using Tessera.Media.Sfu;
using Tessera.Media.Stun;
using Tessera.Media.Tests.Transport;
using Tessera.Media.Transport;

using static Tessera.Media.Tests.Sfu.SfuFixtures;
using static Tessera.Media.Tests.Sfu.SimulatedCalls;

namespace Tessera.Media.Tests.Sfu;

/// <summary>
/// protocol.md §12.8: a transport whose ICE consent expired (driven by a manual clock) is revived by
/// an ICE restart with new credentials, keeping DTLS and SRTP; one whose DTLS is gone is not.
/// </summary>
public sealed class TransportRecoveryTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider _clock = new();
    private readonly ListLogger _log = new();

    private UdpMultiplexer Endpoint() =>
        UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback, TimeProvider = _clock, TimeoutCheckInterval = TimeSpan.FromHours(1), Logger = _log });

    private void ExpireConsent(UdpMultiplexer endpoint)
    {
        _clock.Advance(TimeSpan.FromSeconds(31));
        endpoint.CheckTimeouts();
    }

    /// <summary>A nominating ICE check from <paramref name="socket"/> with the browser's ufrag and the server's new credentials.</summary>
    private static async Task CheckAsync(UdpClient socket, IPEndPoint server, IceCredentials serverIce, string browserUfrag)
    {
        var request = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername($"{serverIce.Ufrag}:{browserUfrag}").AddPriority(1845501695).AddIceControlling(7).AddUseCandidate()
            .AddMessageIntegrity(serverIce.Password).AddFingerprint().ToArray();
        await socket.SendAsync(request, server);
    }

    private static async Task<byte[]> NextRtpAsync(UdpClient socket)
    {
        using var cts = new CancellationTokenSource(Generous);
        while (true)
        {
            var r = await socket.ReceiveAsync(cts.Token);
            if (r.Buffer[0] is >= 128 and <= 191 && r.Buffer[1] is < 192 or > 223)
                return r.Buffer;
        }
    }

    [Fact]
    public async Task A_down_stream_whose_consent_expired_is_revived_by_an_ice_restart_offer_and_keeps_its_srtp_and_numbering()
    {
        await using var endpoint = Endpoint();
        var certificate = DtlsCertificate.Generate();
        using var receiver = new BrowserSimulator();
        var track = Track(new RecordingSink(), _clock);
        using var down = new ReceiverConnection(endpoint, certificate, "s1", _clock);
        var outgoing = down.AddTrack(track);
        int connected = 0, closed = 0;
        down.Transport.Connected += _ => connected++;
        down.Transport.Closed += _ => closed++;
        string offer = await receiver.ConnectReceiverAsync(endpoint, down);
        track.Deliver(Packet(500));
        Assert.Equal(500, Parse(await receiver.ReceiveRtpAsync().WaitAsync(Generous)).SequenceNumber);

        ExpireConsent(endpoint);
        Assert.Equal(PeerTransportState.Failed, down.Transport.State);
        Assert.Equal("ICE consent expired", down.Transport.FailureReason);
        Assert.Equal(1, closed);
        Assert.True(down.Transport.CanRevive);

        string restart = down.CreateOffer(iceRestart: true);
        var restartTransport = RemoteTransport.From(SessionDescription.Parse(restart));
        var oldTransport = RemoteTransport.From(SessionDescription.Parse(offer));
        Assert.NotEqual(oldTransport.IceUfrag, restartTransport.IceUfrag);
        Assert.Equal(oldTransport.Fingerprint, restartTransport.Fingerprint);
        Assert.Equal(PeerTransportState.Connecting, down.Transport.State);
        down.ApplyAnswer(receiver.AnswerFor(restart));

        // The browser's checks with the new credentials (from wherever its new path is) bring it back.
        using var newPath = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await CheckAsync(newPath, endpoint.LocalEndPoint, down.Transport.Local.Ice, receiver.Ice.Ufrag);
        // Connected is raised just after the state changes: wait for the event, not the state.
        await Eventually.True(() => Volatile.Read(ref connected) == 2);
        Assert.Equal(PeerTransportState.Connected, down.Transport.State);

        track.Deliver(Packet(501));
        var rtp = await NextRtpAsync(newPath);
        Assert.Equal(outgoing.Ssrc, BinaryPrimitives.ReadUInt32BigEndian(rtp.AsSpan(8)));
        Assert.Equal(501, BinaryPrimitives.ReadUInt16BigEndian(rtp.AsSpan(2)));
        Assert.True(rtp.Length > Packet(501).Length - 8); // protected: the authentication tag is there

        // A second expiry is noticed again.
        ExpireConsent(endpoint);
        Assert.Equal(PeerTransportState.Failed, down.Transport.State);
        Assert.Equal(2, closed);
    }

    [Fact]
    public async Task An_up_stream_whose_consent_expired_answers_the_publishers_ice_restart_with_new_credentials()
    {
        await using var endpoint = Endpoint();
        var certificate = DtlsCertificate.Generate();
        using var publisher = new BrowserSimulator();
        using var up = PublisherConnection.Accept(endpoint, certificate, publisher.PublishOffer(), ["vp8"], _clock);
        await publisher.ConnectPublisherAsync(endpoint, up);
        string oldUfrag = up.Transport.Local.Ice.Ufrag;

        ExpireConsent(endpoint);
        Assert.Equal(PeerTransportState.Failed, up.Transport.State);

        var restarted = new IceCredentials("rst7", "restartpassword7654321098");
        string offer = publisher.PublishOffer().Replace("a=ice-ufrag:" + publisher.Ice.Ufrag, "a=ice-ufrag:" + restarted.Ufrag)
                                               .Replace("a=ice-pwd:" + publisher.Ice.Password, "a=ice-pwd:" + restarted.Password);
        string answer = up.Renegotiate(offer);
        var local = RemoteTransport.From(SessionDescription.Parse(answer));
        Assert.NotEqual(oldUfrag, local.IceUfrag);
        Assert.Equal(up.Transport.Local.Ice.Ufrag, local.IceUfrag);
        Assert.Equal("rst7", up.Transport.Ice.RemoteUfrag);

        using var newPath = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await CheckAsync(newPath, endpoint.LocalEndPoint, up.Transport.Local.Ice, "rst7");
        await Eventually.True(() => up.Transport.State == PeerTransportState.Connected);
    }

    [Fact]
    public async Task A_transport_without_dtls_cannot_be_revived_and_says_so()
    {
        await using var endpoint = Endpoint();
        using var never = new PeerTransport(endpoint, DtlsCertificate.Generate(), IgnoredMedia.Instance);
        ExpireConsent(endpoint); // never started: no DTLS to keep
        Assert.Equal(PeerTransportState.Failed, never.State);
        Assert.False(never.CanRevive);
        Assert.False(never.TryRevive());
        Assert.Throws<InvalidOperationException>(never.RestartIce);

        var disposed = new PeerTransport(endpoint, DtlsCertificate.Generate(), IgnoredMedia.Instance);
        disposed.Dispose();
        Assert.False(disposed.CanRevive);
        Assert.False(disposed.TryRevive());
    }

    [Fact]
    public async Task A_transport_whose_dtls_was_refused_cannot_be_revived()
    {
        await using var endpoint = Endpoint();
        var certificate = DtlsCertificate.Generate();
        using var publisher = new BrowserSimulator();
        using var up = PublisherConnection.Accept(endpoint, certificate, publisher.PublishOffer(), ["vp8"], _clock);
        using var impostor = new BrowserSimulator(publisher.Ice);
        await Assert.ThrowsAnyAsync<Exception>(() => impostor.ConnectAsync(endpoint.LocalEndPoint, up.AnswerSdp));
        await Eventually.True(() => up.Transport.State == PeerTransportState.Failed);
        // The reason is the transport's FailureReason; the exception behind it is logged at Debug.
        await Eventually.True(() => _log.Entries.Any(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Debug
            && e.Message.StartsWith("DTLS handshake of peer transport") && e.Exception is not null));
        ExpireConsent(endpoint);
        Assert.False(up.Transport.CanRevive);
        Assert.Throws<InvalidOperationException>(() => up.Renegotiate(publisher.PublishOffer().Replace("a=ice-ufrag:" + publisher.Ice.Ufrag, "a=ice-ufrag:zz99")));
    }
}
