using Org.BouncyCastle.Tls;
using Tessera.Media.Dtls;
using Tessera.Media.Testing;

namespace Tessera.Media.Tests.Testing;

public sealed class BrowserDtlsClientTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Server_whose_certificate_does_not_match_the_sdp_fingerprint_is_refused_by_the_client()
    {
        var serverCert = DtlsCertificate.Generate();
        var clientCert = DtlsCertificate.Generate("browser");
        var announced = DtlsCertificate.Generate("the-real-server").Fingerprint;
        QueuedDatagramTransport? clientTransport = null;
        using var session = new DtlsSession(serverCert, clientCert.Fingerprint, d => clientTransport!.Deliver(d.Span), handshakeTimeoutMillis: 10_000);
        clientTransport = new QueuedDatagramTransport(d => session.Deliver(d.Span));
        _ = session.HandshakeAsync();
        var client = new BrowserDtlsClient(clientCert, announced, BrowserDtlsClient.BrowserProfiles);
        try
        {
            var refused = await Assert.ThrowsAsync<TlsFatalAlert>(() =>
                Task.Run(() => new DtlsClientProtocol().Connect(client, clientTransport)).WaitAsync(Generous));
            Assert.Equal(AlertDescription.bad_certificate, refused.AlertDescription);
            Assert.Null(client.Keys);
        }
        finally
        {
            clientTransport.Close();
        }
    }
}
