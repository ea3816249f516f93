using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Tessera.Media.Dtls;
using Tessera.Media.Srtp;

namespace Tessera.Media.Testing;

/// <summary>
/// A browser-like DTLS-SRTP client built on BouncyCastle: DTLS 1.2 only, an ECDSA client certificate,
/// the use_srtp extension, a check of the server certificate against the SDP fingerprint, and SRTP
/// keys from the RFC 5764 exporter once the handshake completes.
/// </summary>
public class BrowserDtlsClient : DefaultTlsClient
{
    private readonly DtlsCertificate _certificate;
    private readonly DtlsFingerprint _expectedServer;
    private readonly int[] _profiles;
    private readonly bool _sendCertificate;
    private IDictionary<int, byte[]>? _serverExtensions;

    /// <param name="profiles">SRTP protection profiles offered, in order of preference.</param>
    /// <param name="sendCertificate">False plays a broken client that answers the certificate request with nothing.</param>
    public BrowserDtlsClient(DtlsCertificate certificate, DtlsFingerprint expectedServer, int[] profiles, bool sendCertificate = true)
        : base(new BcTlsCrypto(new SecureRandom()))
    {
        _certificate = certificate;
        _expectedServer = expectedServer;
        _profiles = profiles;
        _sendCertificate = sendCertificate;
    }

    /// <summary>What current browsers offer: AEAD_AES_128_GCM first, then AES_CM_128_HMAC_SHA1_80.</summary>
    public static int[] BrowserProfiles => [(int)SrtpProfile.AeadAes128Gcm, (int)SrtpProfile.AesCm128HmacSha1_80];

    /// <summary>The SRTP keys, set when the handshake has completed.</summary>
    public DtlsSrtpKeys? Keys { get; private set; }
    public ProtocolVersion? NegotiatedVersion { get; private set; }
    public int SelectedCipherSuite { get; private set; }

    public override ProtocolVersion[] GetProtocolVersions() => ProtocolVersion.DTLSv12.Only();

    public override int GetHandshakeTimeoutMillis() => 10_000;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = base.GetClientExtensions() ?? new Dictionary<int, byte[]>();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(_profiles, []));
        return extensions;
    }

    public override void NotifySelectedCipherSuite(int selectedCipherSuite)
    {
        base.NotifySelectedCipherSuite(selectedCipherSuite);
        SelectedCipherSuite = selectedCipherSuite;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        _serverExtensions = serverExtensions;
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        NegotiatedVersion = m_context.ServerVersion;
        var chosen = TlsSrtpUtilities.GetUseSrtpExtension(_serverExtensions
            ?? throw new InvalidOperationException("no server extensions"));
        var profile = (SrtpProfile)chosen.ProtectionProfiles[0];
        Keys = DtlsSrtpKeys.FromExporter(profile,
            m_context.ExportKeyingMaterial(DtlsSrtpKeys.ExporterLabel, null, DtlsSrtpKeys.ExporterLength(profile)));
    }

    /// <summary>Checks the server like a browser does (fingerprint from the SDP) and signs with our ECDSA key.</summary>
    private sealed class Authentication(BrowserDtlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            if (!client._expectedServer.Matches(serverCertificate.Certificate.GetCertificateAt(0).GetEncoded()))
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }

        public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest)
        {
            if (!client._sendCertificate)
                return null;
            var crypto = (BcTlsCrypto)client.Crypto;
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(client.m_context), crypto,
                client._certificate.PrivateKey, client._certificate.ToTlsCertificate(crypto),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }
    }
}
