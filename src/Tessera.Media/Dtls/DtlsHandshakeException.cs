namespace Tessera.Media.Dtls;

/// <summary>The DTLS handshake failed or was refused (for example a certificate not matching the SDP fingerprint).</summary>
public sealed class DtlsHandshakeException : Exception
{
    public DtlsHandshakeException(string message, Exception? inner = null) : base(message, inner) { }
}
