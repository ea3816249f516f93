using Tessera.Media.Dtls;
using Tessera.Media.Testing;

namespace Tessera.Media.Tests.Dtls;

/// <summary>The shared browser-like DTLS-SRTP client (Tessera.Media.Testing), under the name the handshake tests use.</summary>
internal sealed class DtlsTestClient(DtlsCertificate certificate, DtlsFingerprint expectedServer, int[] profiles, bool sendCertificate = true)
    : BrowserDtlsClient(certificate, expectedServer, profiles, sendCertificate);
