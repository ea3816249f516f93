using Org.BouncyCastle.Tls;
using Tessera.Media.Dtls;
using Tessera.Media.Srtp;

namespace Tessera.Media.Tests.Dtls;

/// <summary>What an established session does with the records that come after the handshake.</summary>
public class DtlsSessionLifetimeTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static async Task<(DtlsSession Session, DtlsTransport Client)> EstablishAsync()
    {
        var serverCert = DtlsCertificate.Generate();
        var clientCert = DtlsCertificate.Generate("browser");
        QueuedDatagramTransport? clientTransport = null;
        var session = new DtlsSession(serverCert, clientCert.Fingerprint, d => clientTransport!.Deliver(d.Span), handshakeTimeoutMillis: 10_000);
        clientTransport = new QueuedDatagramTransport(d => session.Deliver(d.Span));
        var keys = session.HandshakeAsync();
        var client = new DtlsTestClient(clientCert, serverCert.Fingerprint, [(int)SrtpProfile.AeadAes128Gcm]);
        var connected = await Task.Run(() => new DtlsClientProtocol().Connect(client, clientTransport)).WaitAsync(Generous);
        await keys.WaitAsync(Generous);
        return (session, connected);
    }

    [Fact]
    public async Task An_established_session_stays_open_while_the_peer_is_silent()
    {
        var (session, client) = await EstablishAsync();
        using var _ = session;
        await Task.Delay(300);
        Assert.False(session.Closed.IsCompleted);
        client.Close();
    }

    [Fact]
    public async Task Close_notify_from_the_peer_after_the_handshake_closes_the_session()
    {
        var (session, client) = await EstablishAsync();
        using var _ = session;
        Assert.False(session.Closed.IsCompleted);
        client.Close(); // sends close_notify
        await session.Closed.WaitAsync(Generous);
    }

    [Fact]
    public async Task A_forged_plaintext_alert_after_the_handshake_is_ignored_and_disposing_ends_the_session()
    {
        var serverCert = DtlsCertificate.Generate();
        var clientCert = DtlsCertificate.Generate("browser");
        QueuedDatagramTransport? clientTransport = null;
        var session = new DtlsSession(serverCert, clientCert.Fingerprint, d => clientTransport!.Deliver(d.Span), handshakeTimeoutMillis: 10_000);
        using var _ = session;
        clientTransport = new QueuedDatagramTransport(d => session.Deliver(d.Span));
        var keys = session.HandshakeAsync();
        var client = new DtlsTestClient(clientCert, serverCert.Fingerprint, [(int)SrtpProfile.AeadAes128Gcm]);
        await Task.Run(() => new DtlsClientProtocol().Connect(client, clientTransport)).WaitAsync(Generous);
        await keys.WaitAsync(Generous);

        // An unprotected epoch-0 record is ignored (no state change) ...
        session.Deliver([21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 2, 2, 40]);
        await Task.Delay(200);
        Assert.False(session.Closed.IsCompleted);
        // ... and disposing the session ends it.
        session.Dispose();
        await session.Closed.WaitAsync(Generous);
    }
}
