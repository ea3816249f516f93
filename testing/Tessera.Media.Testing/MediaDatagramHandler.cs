namespace Tessera.Media.Testing;

/// <summary>
/// Receives one SRTP or SRTCP datagram (first byte 128-191, RFC 7983) on the peer's receive loop.
/// The buffer is reused once the handler returns: copy what must outlive the call.
/// </summary>
public delegate void MediaDatagramHandler(byte[] buffer, int length);
