using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Tessera.Media.Srtp;

namespace Tessera.Media.Dtls;

/// <summary>
/// BouncyCastle server policy for WebRTC: DTLS 1.2 only, ECDHE_ECDSA suites only, a client
/// certificate is required and must hash to the fingerprint from the remote SDP, and use_srtp is
/// negotiated (AEAD_AES_128_GCM preferred over AES_CM_128_HMAC_SHA1_80).
/// </summary>
internal sealed class DtlsSrtpServer : DefaultTlsServer, IDtlsSrtpEndpoint
{
    private readonly DtlsCertificate _certificate;
    private readonly DtlsFingerprint _expectedClient;
    private readonly int _handshakeTimeoutMillis;
    private SrtpProfile? _profile;

    public DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsFingerprint expectedClient, int handshakeTimeoutMillis)
        : base(crypto)
    {
        _certificate = certificate;
        _expectedClient = expectedClient;
        _handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    public DtlsSrtpKeys? Keys { get; private set; }
    private volatile bool _connectionClosed;
    public bool ConnectionClosed => _connectionClosed;
    public string? RefusalReason { get; private set; }

    private BcTlsCrypto BcCrypto => (BcTlsCrypto)Crypto;

    public override ProtocolVersion[] GetProtocolVersions() => ProtocolVersion.DTLSv12.Only();

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    public override int[] GetCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, DtlsSrtpPolicy.Suites);

    protected override int[] GetSupportedCipherSuites() => GetCipherSuites();

    public override int GetHandshakeTimeoutMillis() => _handshakeTimeoutMillis;

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offered is null)
            throw Refuse(AlertDescription.handshake_failure, "client did not offer use_srtp");
        foreach (var profile in DtlsSrtpPolicy.ProfilePreference)
        {
            if (Array.IndexOf(offered.ProtectionProfiles, (int)profile) >= 0)
            {
                _profile = profile;
                return;
            }
        }
        throw Refuse(AlertDescription.handshake_failure, "no common SRTP protection profile");
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = base.GetServerExtensions() ?? new Dictionary<int, byte[]>();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([(int)_profile!.Value], []));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest()
    {
        var algorithms = new List<SignatureAndHashAlgorithm>
        {
            new(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
            new(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
            new(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
            SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
        };
        return new CertificateRequest([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], algorithms, null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        if (DtlsSrtpPolicy.CheckPeerCertificate(clientCertificate, _expectedClient) is { } problem)
            throw Refuse(AlertDescription.bad_certificate, problem);
    }

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() =>
        new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), BcCrypto, _certificate.PrivateKey,
            _certificate.ToTlsCertificate(BcCrypto), new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var profile = _profile!.Value;
        byte[] material = m_context.ExportKeyingMaterial(DtlsSrtpKeys.ExporterLabel, null, DtlsSrtpKeys.ExporterLength(profile));
        Keys = DtlsSrtpKeys.FromExporter(profile, material);
    }

    public override void NotifyConnectionClosed()
    {
        base.NotifyConnectionClosed();
        _connectionClosed = true;
    }

    private TlsFatalAlert Refuse(short alert, string reason)
    {
        RefusalReason = reason;
        return new TlsFatalAlert(alert, reason);
    }
}
