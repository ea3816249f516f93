using Org.BouncyCastle.Tls;
using Tessera.Media.Srtp;

namespace Tessera.Media.Dtls;

/// <summary>What both our DTLS roles accept: the same suites, profiles and certificate checks whichever side we are.</summary>
internal static class DtlsSrtpPolicy
{
    public static readonly int[] Suites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    /// <summary>AEAD_AES_128_GCM preferred over AES_CM_128_HMAC_SHA1_80.</summary>
    public static readonly SrtpProfile[] ProfilePreference = [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1_80];

    /// <summary>The peer's certificate must hash to the fingerprint its SDP announced.</summary>
    public static string? CheckPeerCertificate(Certificate? certificate, DtlsFingerprint expected) =>
        certificate is null || certificate.IsEmpty ? "peer sent no certificate"
        : expected.Matches(certificate.GetCertificateAt(0).GetEncoded()) ? null
        : "peer certificate does not match the SDP fingerprint";
}
