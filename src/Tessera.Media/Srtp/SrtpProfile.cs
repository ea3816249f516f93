namespace Tessera.Media.Srtp;

/// <summary>SRTP protection profiles, numbered as in the DTLS use_srtp registry (RFC 5764 §4.1.2, RFC 7714 §14.2).</summary>
public enum SrtpProfile : ushort
{
    AesCm128HmacSha1_80 = 0x0001,
    AeadAes128Gcm = 0x0007,
}

public static class SrtpProfileExtensions
{
    public static int MasterKeyLength(this SrtpProfile profile) => 16;

    public static int MasterSaltLength(this SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => 14,
        SrtpProfile.AeadAes128Gcm => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(profile)),
    };

    /// <summary>Bytes added to an RTP packet by protection (the authentication tag).</summary>
    public static int RtpOverhead(this SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => 10,
        SrtpProfile.AeadAes128Gcm => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(profile)),
    };

    /// <summary>Bytes added to an RTCP packet: the tag plus the 4-byte E flag and SRTCP index.</summary>
    public static int RtcpOverhead(this SrtpProfile profile) => profile.RtpOverhead() + 4;
}
