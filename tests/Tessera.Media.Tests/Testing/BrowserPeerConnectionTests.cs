using System.Text;
using Tessera.Media.Stun;
using Tessera.Media.Testing;
using Tessera.Media.Tests.Sdp;

namespace Tessera.Media.Tests.Testing;

/// <summary>The shared simulated browser's ICE check and demultiplexing, against a scripted STUN server.</summary>
public sealed class BrowserPeerConnectionTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(5);

    /// <summary>Stands for the server's SDP: ufrag Jd5r, pwd kX1Zh9vP0Qk3nT7sLw2Yb8Fe.</summary>
    private static readonly string ServerSdp = ChromeSamples.PublishOffer;
    private const string ServerPassword = "kX1Zh9vP0Qk3nT7sLw2Yb8Fe";

    private static readonly MediaDatagramHandler Ignore = (_, _) => { };

    [Fact]
    public async Task Check_nominates_with_our_username_and_integrity_keyed_with_the_server_password()
    {
        using var server = new FakeStunServer();
        using var peer = new BrowserPeerConnection("browser", Ignore);
        var connect = peer.ConnectAsync(server.EndPoint, ServerSdp, Generous);

        var (check, from) = await server.ReceiveAsync();
        Assert.Equal(StunMessageType.BindingRequest, check.Type);
        Assert.Equal("Jd5r:" + peer.Ice.Ufrag, check.Username);
        Assert.True(check.UseCandidate);
        Assert.NotNull(check.IceControlling);
        Assert.Equal(NominatingIceCheck.Priority, check.Priority);
        Assert.Equal(StunCheckResult.Ok, check.CheckRequest(Encoding.UTF8.GetBytes(ServerPassword)));
        Assert.Equal(StunCheckResult.BadIntegrity, check.CheckRequest(Encoding.UTF8.GetBytes(peer.Ice.Password)));
        Assert.Equal(peer.LocalEndPoint, from);

        server.Answer(check.TransactionId, from, StunErrorCode.Unauthorized);
        await Assert.ThrowsAsync<IceCheckRefusedException>(() => connect.WaitAsync(Generous));
    }

    [Fact]
    public async Task Unanswered_check_is_sent_again_with_a_new_transaction()
    {
        using var server = new FakeStunServer();
        using var peer = new BrowserPeerConnection("browser", Ignore);
        var connect = peer.ConnectAsync(server.EndPoint, ServerSdp, Generous);

        var (first, _) = await server.ReceiveAsync();
        var (second, from) = await server.ReceiveAsync(); // the first went unanswered
        Assert.False(first.TransactionId.SequenceEqual(second.TransactionId));

        server.Answer(second.TransactionId, from, StunErrorCode.RoleConflict);
        var refused = await Assert.ThrowsAsync<IceCheckRefusedException>(() => connect.WaitAsync(Generous));
        Assert.Equal(487, refused.ErrorCode);
    }

    [Fact]
    public async Task Success_for_a_transaction_we_did_not_send_is_ignored()
    {
        using var server = new FakeStunServer();
        using var peer = new BrowserPeerConnection("browser", Ignore);
        var connect = peer.ConnectAsync(server.EndPoint, ServerSdp, Generous);

        var (check, from) = await server.ReceiveAsync();
        server.Answer(StunMessageBuilder.NewTransactionId(), from); // forged success
        server.Answer(check.TransactionId, from, StunErrorCode.Unauthorized);

        // Had the forged success counted, the peer would have gone on to DTLS instead.
        var refused = await Assert.ThrowsAsync<IceCheckRefusedException>(() => connect.WaitAsync(Generous));
        Assert.Equal(401, refused.ErrorCode);
    }

    [Fact]
    public async Task Silent_server_is_a_timeout()
    {
        using var server = new FakeStunServer();
        using var peer = new BrowserPeerConnection("browser", Ignore);
        await Assert.ThrowsAsync<TimeoutException>(() =>
            peer.ConnectAsync(server.EndPoint, ServerSdp, TimeSpan.FromMilliseconds(400)).WaitAsync(Generous));
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_reported_as_a_timeout()
    {
        using var server = new FakeStunServer();
        using var peer = new BrowserPeerConnection("browser", Ignore);
        using var cancel = new CancellationTokenSource();
        var connect = peer.ConnectAsync(server.EndPoint, ServerSdp, Generous, cancel.Token);
        await server.ReceiveAsync();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect.WaitAsync(Generous));
    }

    [Fact]
    public async Task Only_datagrams_in_the_rtp_range_reach_the_media_handler()
    {
        using var server = new FakeStunServer();
        var received = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        using var peer = new BrowserPeerConnection("browser", (buffer, length) => received.Writer.TryWrite(buffer[..length]));

        server.Send([0x17, 0xFE, 0xFD, 1], peer.LocalEndPoint);  // DTLS record
        server.Send([0x40, 1, 2, 3], peer.LocalEndPoint);        // nothing RFC 7983 knows
        server.Send([0x80, 0x60, 0, 1], peer.LocalEndPoint);     // RTP
        server.Send([0x81, 0xC8, 0, 1], peer.LocalEndPoint);     // RTCP

        Assert.Equal(new byte[] { 0x80, 0x60, 0, 1 }, await received.Reader.ReadAsync().AsTask().WaitAsync(Generous));
        Assert.Equal(new byte[] { 0x81, 0xC8, 0, 1 }, await received.Reader.ReadAsync().AsTask().WaitAsync(Generous));
        Assert.False(received.Reader.TryRead(out _));
    }
}
