using Org.BouncyCastle.Tls;
using Tessera.Media.Dtls;
using Tessera.Media.Srtp;

namespace Tessera.Media.Tests.Dtls;

public class DtlsHandshakeTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    /// <summary>Runs our server against the test client over an in-memory datagram pipe.</summary>
    private static async Task<(Task<DtlsSrtpKeys> Server, Task<DtlsTestClient> Client, DtlsSession Session)> Handshake(
        DtlsCertificate serverCert, DtlsCertificate clientCert, DtlsFingerprint serverExpects, int[] profiles, bool clientSendsCertificate = true)
    {
        QueuedDatagramTransport? clientTransport = null;
        var session = new DtlsSession(serverCert, serverExpects, d => clientTransport!.Deliver(d.Span), handshakeTimeoutMillis: 10_000);
        clientTransport = new QueuedDatagramTransport(d => session.Deliver(d.Span));
        var serverTask = session.HandshakeAsync();
        var client = new DtlsTestClient(clientCert, serverCert.Fingerprint, profiles, clientSendsCertificate);
        var clientTask = Task.Run(() =>
        {
            try
            {
                new DtlsClientProtocol().Connect(client, clientTransport);
                return client;
            }
            finally
            {
                clientTransport.Close();
            }
        });
        await Task.WhenAny(Task.WhenAll(serverTask, clientTask), Task.Delay(Generous));
        return (serverTask, clientTask, session);
    }

    [Fact]
    public async Task Handshake_derives_identical_srtp_keys_and_prefers_gcm()
    {
        var serverCert = DtlsCertificate.Generate();
        var clientCert = DtlsCertificate.Generate("browser");
        var (server, client, session) = await Handshake(serverCert, clientCert, clientCert.Fingerprint,
            [(int)SrtpProfile.AesCm128HmacSha1_80, (int)SrtpProfile.AeadAes128Gcm]);
        using var _ = session;
        var serverKeys = await server.WaitAsync(Generous);
        var clientKeys = (await client.WaitAsync(Generous)).Keys!;
        Assert.Equal(SrtpProfile.AeadAes128Gcm, serverKeys.Profile);
        Assert.Equal(serverKeys.ClientKey, clientKeys.ClientKey);
        Assert.Equal(serverKeys.ServerKey, clientKeys.ServerKey);
        Assert.Equal(serverKeys.ClientSalt, clientKeys.ClientSalt);
        Assert.Equal(serverKeys.ServerSalt, clientKeys.ServerSalt);
        Assert.NotEqual(serverKeys.ClientKey, serverKeys.ServerKey);
        Assert.Equal(12, serverKeys.ClientSalt.Length);
        Assert.Equal(ProtocolVersion.DTLSv12, (await client).NegotiatedVersion);
        Assert.Equal(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, (await client).SelectedCipherSuite);

        // The derived contexts interoperate: client protects with its key, server unprotects with it.
        var (clientOut, _) = clientKeys.CreateClientContexts();
        var (_, serverIn) = serverKeys.CreateServerContexts();
        var rtp = Srtp.SrtpTestPackets.MakeRtp(1);
        var wire = Srtp.SrtpTestPackets.Protect(clientOut, rtp);
        Assert.Equal(SrtpStatus.Ok, Srtp.SrtpTestPackets.Unprotect(serverIn, wire, out var back));
        Assert.Equal(rtp, back);
    }

    [Fact]
    public async Task Aes_cm_is_chosen_when_the_client_offers_only_it()
    {
        var serverCert = DtlsCertificate.Generate();
        var clientCert = DtlsCertificate.Generate("browser");
        var (server, client, session) = await Handshake(serverCert, clientCert, clientCert.Fingerprint, [(int)SrtpProfile.AesCm128HmacSha1_80]);
        using var _ = session;
        var keys = await server.WaitAsync(Generous);
        Assert.Equal(SrtpProfile.AesCm128HmacSha1_80, keys.Profile);
        Assert.Equal(14, keys.ServerSalt.Length);
        Assert.Equal(keys.ServerKey, (await client.WaitAsync(Generous)).Keys!.ServerKey);
    }

    [Fact]
    public async Task Client_certificate_not_matching_the_sdp_fingerprint_is_refused()
    {
        var serverCert = DtlsCertificate.Generate();
        var clientCert = DtlsCertificate.Generate("browser");
        var impostorExpected = DtlsCertificate.Generate("someone-else").Fingerprint;
        var (server, client, session) = await Handshake(serverCert, clientCert, impostorExpected, [(int)SrtpProfile.AeadAes128Gcm]);
        using var _ = session;
        var e = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(Generous));
        Assert.Contains("fingerprint", e.Message);
        await Assert.ThrowsAnyAsync<Exception>(() => client.WaitAsync(Generous));
    }

    [Fact]
    public async Task Client_without_certificate_is_refused()
    {
        var serverCert = DtlsCertificate.Generate();
        var clientCert = DtlsCertificate.Generate("browser");
        var (server, _, session) = await Handshake(serverCert, clientCert, clientCert.Fingerprint, [(int)SrtpProfile.AeadAes128Gcm], clientSendsCertificate: false);
        using var __ = session;
        var e = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(Generous));
        Assert.Contains("no certificate", e.Message);
    }

    [Fact]
    public async Task Client_without_a_common_srtp_profile_is_refused()
    {
        var serverCert = DtlsCertificate.Generate();
        var clientCert = DtlsCertificate.Generate("browser");
        var (server, _, session) = await Handshake(serverCert, clientCert, clientCert.Fingerprint, [0x0002 /* AES_CM_128_HMAC_SHA1_32 */]);
        using var __ = session;
        var e = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(Generous));
        Assert.Contains("SRTP", e.Message);
    }
}
