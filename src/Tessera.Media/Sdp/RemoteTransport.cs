using Tessera.Media.Dtls;

namespace Tessera.Media.Sdp;

/// <summary>The peer's ICE credentials and DTLS parameters, read from its offer or answer.</summary>
public sealed record RemoteTransport(string IceUfrag, string IcePassword, DtlsFingerprint Fingerprint, string Setup)
{
    /// <summary>Reads the transport of the first non-rejected m= section (the BUNDLE transport), with session-level fallback.</summary>
    public static RemoteTransport From(SessionDescription sdp)
    {
        var media = sdp.Media.FirstOrDefault(m => !m.IsRejected)
            ?? throw new SdpFormatException("no media section is accepted");
        string ufrag = sdp.MediaOrSession(media, "ice-ufrag") ?? throw new SdpFormatException("missing a=ice-ufrag");
        string pwd = sdp.MediaOrSession(media, "ice-pwd") ?? throw new SdpFormatException("missing a=ice-pwd");
        string fp = sdp.MediaOrSession(media, "fingerprint") ?? throw new SdpFormatException("missing a=fingerprint");
        if (!DtlsFingerprint.TryParse(fp, out var fingerprint))
            throw new SdpFormatException("unsupported a=fingerprint");
        string setup = sdp.MediaOrSession(media, "setup") ?? "actpass";
        return new RemoteTransport(ufrag, pwd, fingerprint!, setup);
    }
}
