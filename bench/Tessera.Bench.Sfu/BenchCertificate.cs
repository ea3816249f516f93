using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Org.BouncyCastle.X509;
using Tessera.Media.Dtls;

namespace Tessera.Bench.Sfu;

/// <summary>The browser side's self-signed ECDSA P-256 certificate (its identity is the SDP fingerprint).</summary>
internal sealed class BenchCertificate
{
    private BenchCertificate(byte[] der, AsymmetricKeyParameter privateKey)
    {
        Der = der;
        PrivateKey = privateKey;
        Fingerprint = DtlsFingerprint.Sha256Of(der);
    }

    public byte[] Der { get; }
    public DtlsFingerprint Fingerprint { get; }
    public AsymmetricKeyParameter PrivateKey { get; }

    public static BenchCertificate Generate()
    {
        var random = new SecureRandom();
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var pair = generator.GenerateKeyPair();
        var cert = new X509V3CertificateGenerator();
        var name = new X509Name("CN=sfubench");
        cert.SetSerialNumber(new BigInteger(64, random).Add(BigInteger.One));
        cert.SetIssuerDN(name);
        cert.SetSubjectDN(name);
        cert.SetNotBefore(DateTime.UtcNow.AddDays(-1));
        cert.SetNotAfter(DateTime.UtcNow.AddDays(1));
        cert.SetPublicKey(pair.Public);
        var signed = cert.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", pair.Private, random));
        return new BenchCertificate(signed.GetEncoded(), pair.Private);
    }

    public Certificate ToTlsCertificate(BcTlsCrypto crypto) =>
        new(new Org.BouncyCastle.Tls.Crypto.TlsCertificate[] { new BcTlsCertificate(crypto, Der) });
}
