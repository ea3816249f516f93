namespace Tessera.Media.Dtls;

/// <summary>
/// Which side of the DTLS handshake we take. The SDP decides (RFC 8842): an answer with
/// <c>a=setup:active</c> makes us the server, <c>a=setup:passive</c> the client.
/// </summary>
public enum DtlsRole
{
    Server,
    Client,
}
