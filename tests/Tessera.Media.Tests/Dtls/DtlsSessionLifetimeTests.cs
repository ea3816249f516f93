using Org.BouncyCastle.Tls;
using Tessera.Media.Dtls;
using Tessera.Media.Srtp;

namespace Tessera.Media.Tests.Dtls;

/// <summary>What an established session does with the records that come after the handshake.</summary>
public class DtlsSessionLifetimeTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    /// <summary>An established session, the client's side of it, and how often the server sent since.</summary>
    private sealed class Established
    {
        public required DtlsSession Session { get; init; }
        public required DtlsTransport Client { get; init; }
        public int ServerSends => Volatile.Read(ref _serverSends);
        private int _serverSends;

        public void CountServerSend() => Interlocked.Increment(ref _serverSends);

        /// <summary>
        /// The client sends close_notify, and waits for the session to answer with its own and
        /// close: only a session still open when the close_notify is read answers it. Records are
        /// read one at a time in order, so whatever was delivered before was handled first.
        /// </summary>
        public async Task CloseAndExpectAnswerAsync()
        {
            Assert.Equal(0, ServerSends);
            Client.Close();
            await Eventually.True(() => ServerSends == 1, "the session's close_notify");
            await Session.Closed.WaitAsync(Generous);
        }
    }

    private static async Task<Established> EstablishAsync()
    {
        var serverCert = DtlsCertificate.Generate();
        var clientCert = DtlsCertificate.Generate("browser");
        QueuedDatagramTransport? clientTransport = null;
        Established? established = null;
        var session = new DtlsSession(serverCert, clientCert.Fingerprint, d =>
        {
            established?.CountServerSend();
            clientTransport!.Deliver(d.Span);
        }, handshakeTimeoutMillis: 10_000);
        clientTransport = new QueuedDatagramTransport(d => session.Deliver(d.Span));
        var keys = session.HandshakeAsync();
        var client = new DtlsTestClient(clientCert, serverCert.Fingerprint, [(int)SrtpProfile.AeadAes128Gcm]);
        var connected = await Task.Run(() => new DtlsClientProtocol().Connect(client, clientTransport)).WaitAsync(Generous);
        await keys.WaitAsync(Generous);
        established = new Established { Session = session, Client = connected };
        return established;
    }

    [Fact]
    public async Task An_established_session_stays_open_while_the_peer_is_silent()
    {
        var established = await EstablishAsync();
        using var _ = established.Session;
        // Nothing but the peer ends a session: silent since the handshake, it still answers the peer's close_notify.
        Assert.False(established.Session.Closed.IsCompleted);
        await established.CloseAndExpectAnswerAsync();
    }

    [Fact]
    public async Task Close_notify_from_the_peer_after_the_handshake_closes_the_session()
    {
        var established = await EstablishAsync();
        using var _ = established.Session;
        Assert.False(established.Session.Closed.IsCompleted);
        established.Client.Close(); // sends close_notify
        await established.Session.Closed.WaitAsync(Generous);
    }

    [Fact]
    public async Task A_forged_plaintext_alert_after_the_handshake_is_ignored()
    {
        var established = await EstablishAsync();
        using var _ = established.Session;
        // An unprotected epoch-0 record is ignored (no state change): the session is still open to answer what follows it.
        established.Session.Deliver([21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 2, 2, 40]);
        await established.CloseAndExpectAnswerAsync();
    }

    [Fact]
    public async Task Disposing_an_established_session_ends_it()
    {
        var established = await EstablishAsync();
        var session = established.Session;
        Assert.False(session.Closed.IsCompleted);
        session.Dispose();
        await session.Closed.WaitAsync(Generous);
    }
}
