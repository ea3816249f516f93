using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Org.BouncyCastle.X509;

namespace Tessera.Media.Dtls;

/// <summary>
/// The ECDSA P-256 self-signed certificate a WebRTC endpoint presents in DTLS; its identity is its
/// fingerprint in SDP, so subject and validity only need to be plausible.
/// </summary>
public sealed class DtlsCertificate
{
    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey)
    {
        Der = der;
        PrivateKey = privateKey;
        Fingerprint = DtlsFingerprint.Sha256Of(der);
    }

    public byte[] Der { get; }
    public DtlsFingerprint Fingerprint { get; }
    /// <summary>Public so that a DTLS client (benchmarks, simulated browsers) can present the same kind of identity.</summary>
    public AsymmetricKeyParameter PrivateKey { get; }

    public static DtlsCertificate Generate(string commonName = "tessera", TimeProvider? time = null)
    {
        var random = new SecureRandom();
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var pair = generator.GenerateKeyPair();

        DateTime now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var cert = new X509V3CertificateGenerator();
        var name = new X509Name("CN=" + commonName);
        cert.SetSerialNumber(new BigInteger(64, random).Add(BigInteger.One));
        cert.SetIssuerDN(name);
        cert.SetSubjectDN(name);
        cert.SetNotBefore(now.AddDays(-1));
        cert.SetNotAfter(now.AddYears(1)); // identity is the fingerprint; a long life keeps long-running servers valid
        cert.SetPublicKey(pair.Public);
        var signed = cert.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", pair.Private, random));
        return new DtlsCertificate(signed.GetEncoded(), pair.Private);
    }

    public Certificate ToTlsCertificate(BcTlsCrypto crypto) =>
        new(new Org.BouncyCastle.Tls.Crypto.TlsCertificate[] { new BcTlsCertificate(crypto, Der) });
}
