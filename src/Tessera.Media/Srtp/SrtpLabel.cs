namespace Tessera.Media.Srtp;

/// <summary>Key derivation labels (RFC 3711 §4.3.1–4.3.2).</summary>
internal static class SrtpLabel
{
    public const byte RtpEncryption = 0x00;
    public const byte RtpAuthentication = 0x01;
    public const byte RtpSalt = 0x02;
    public const byte RtcpEncryption = 0x03;
    public const byte RtcpAuthentication = 0x04;
    public const byte RtcpSalt = 0x05;
}
