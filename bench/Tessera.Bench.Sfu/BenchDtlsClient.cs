using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Tessera.Media.Dtls;
using Tessera.Media.Srtp;

namespace Tessera.Bench.Sfu;

/// <summary>A browser-like DTLS-SRTP client built on BouncyCastle, playing the browser side of each benchmark peer connection.</summary>
internal sealed class BenchDtlsClient : DefaultTlsClient
{
    private readonly DtlsCertificate _certificate;
    private readonly DtlsFingerprint _expectedServer;
    private readonly int[] _profiles;
    private readonly bool _sendCertificate;

    public BenchDtlsClient(DtlsCertificate certificate, DtlsFingerprint expectedServer, int[] profiles, bool sendCertificate = true)
        : base(new BcTlsCrypto(new SecureRandom()))
    {
        _certificate = certificate;
        _expectedServer = expectedServer;
        _profiles = profiles;
        _sendCertificate = sendCertificate;
    }

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

    private IDictionary<int, byte[]>? _serverExtensions;

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

    private sealed class Authentication(BenchDtlsClient client) : TlsAuthentication
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
