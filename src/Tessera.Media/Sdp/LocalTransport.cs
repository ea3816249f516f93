using Tessera.Media.Dtls;
using Tessera.Media.Ice;

namespace Tessera.Media.Sdp;

/// <summary>Our side of the transport as written into every SDP we produce.</summary>
public sealed record LocalTransport(IceCredentials Ice, DtlsFingerprint Fingerprint, IReadOnlyList<IceCandidate> Candidates);
