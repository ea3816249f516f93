using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Tessera.Media.Srtp;

namespace Tessera.Media.Dtls;

/// <summary>
/// BouncyCastle client policy for WebRTC, for when the peer's answer makes us the DTLS client:
/// DTLS 1.2 only, the same ECDHE_ECDSA suites and SRTP profiles as our server role, our
/// certificate on request, and the server's certificate checked against its SDP fingerprint.
/// </summary>
internal sealed class DtlsSrtpClient(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsFingerprint expectedServer, int handshakeTimeoutMillis)
    : DefaultTlsClient(crypto), IDtlsSrtpEndpoint
{
    private readonly DtlsCertificate _certificate = certificate;
    private readonly DtlsFingerprint _expectedServer = expectedServer;
    private IDictionary<int, byte[]>? _serverExtensions;

    public DtlsSrtpKeys? Keys { get; private set; }
    public bool ConnectionClosed { get; private set; }
    public string? RefusalReason { get; private set; }

    public override ProtocolVersion[] GetProtocolVersions() => ProtocolVersion.DTLSv12.Only();

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, DtlsSrtpPolicy.Suites);

    public override int GetHandshakeTimeoutMillis() => handshakeTimeoutMillis;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = base.GetClientExtensions() ?? new Dictionary<int, byte[]>();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(DtlsSrtpPolicy.ProfilePreference.Select(p => (int)p).ToArray(), []));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        var chosen = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (chosen is null || chosen.ProtectionProfiles.Length != 1 ||
            Array.IndexOf(DtlsSrtpPolicy.ProfilePreference, (SrtpProfile)chosen.ProtectionProfiles[0]) < 0)
            throw Refuse(AlertDescription.illegal_parameter, "server did not choose one of our SRTP protection profiles");
        _serverExtensions = serverExtensions;
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var profile = (SrtpProfile)TlsSrtpUtilities.GetUseSrtpExtension(_serverExtensions!).ProtectionProfiles[0];
        Keys = DtlsSrtpKeys.FromExporter(profile,
            m_context.ExportKeyingMaterial(DtlsSrtpKeys.ExporterLabel, null, DtlsSrtpKeys.ExporterLength(profile)));
    }

    public override void NotifyConnectionClosed()
    {
        base.NotifyConnectionClosed();
        ConnectionClosed = true;
    }

    private TlsFatalAlert Refuse(short alert, string reason)
    {
        RefusalReason = reason;
        return new TlsFatalAlert(alert, reason);
    }

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            if (DtlsSrtpPolicy.CheckPeerCertificate(serverCertificate.Certificate, client._expectedServer) is { } problem)
                throw client.Refuse(AlertDescription.bad_certificate, problem);
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest)
        {
            var crypto = (BcTlsCrypto)client.Crypto;
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(client.m_context), crypto,
                client._certificate.PrivateKey, client._certificate.ToTlsCertificate(crypto),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }
    }
}

/// <summary>What a session needs from either role's BouncyCastle peer once the handshake has run.</summary>
internal interface IDtlsSrtpEndpoint
{
    DtlsSrtpKeys? Keys { get; }
    bool ConnectionClosed { get; }
    string? RefusalReason { get; }
}
