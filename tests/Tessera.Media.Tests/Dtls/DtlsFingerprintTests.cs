using System.Security.Cryptography.X509Certificates;
using Tessera.Media.Dtls;

namespace Tessera.Media.Tests.Dtls;

public class DtlsFingerprintTests
{
    [Fact]
    public void Generated_certificate_fingerprint_is_sdp_formatted_sha256()
    {
        var cert = DtlsCertificate.Generate();
        string sdp = cert.Fingerprint.ToSdpValue();
        Assert.Matches("^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$", sdp);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(cert.Der)), sdp[8..].Replace(":", ""));
        Assert.True(cert.Fingerprint.Matches(cert.Der));
    }

    [Fact]
    public void Fingerprint_parses_back_case_insensitively()
    {
        var cert = DtlsCertificate.Generate();
        Assert.True(DtlsFingerprint.TryParse(cert.Fingerprint.ToSdpValue().ToLowerInvariant().Replace("sha-256", "SHA-256"), out var parsed));
        Assert.Equal(cert.Fingerprint, parsed);
    }

    [Theory]
    [InlineData("md5 AB:CD")]
    [InlineData("sha-256 AB:CD")]
    [InlineData("sha-256")]
    [InlineData("sha-256 ZZ:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00")]
    public void Malformed_fingerprints_are_refused(string text) => Assert.False(DtlsFingerprint.TryParse(text, out _));

    [Fact]
    public void Generated_certificate_is_ecdsa_p256_self_signed()
    {
        var cert = DtlsCertificate.Generate();
        using var x509 = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(cert.Der);
        using var key = x509.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key!.KeySize);
        Assert.Equal(x509.Subject, x509.Issuer);
    }
}
