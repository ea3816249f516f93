namespace Tessera.Media.Srtp;

/// <summary>The six session keys of one SRTP context (RTP and RTCP encryption, authentication, salt).</summary>
public sealed record SrtpSessionKeys(
    byte[] RtpKey, byte[] RtpAuthKey, byte[] RtpSalt,
    byte[] RtcpKey, byte[] RtcpAuthKey, byte[] RtcpSalt)
{
    public static SrtpSessionKeys Derive(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (masterKey.Length != profile.MasterKeyLength() || masterSalt.Length != profile.MasterSaltLength())
            throw new ArgumentException($"{profile} needs a {profile.MasterKeyLength()}-byte key and a {profile.MasterSaltLength()}-byte salt.");
        int keyLength = profile.MasterKeyLength();
        int saltLength = profile.MasterSaltLength();
        int authLength = profile == SrtpProfile.AesCm128HmacSha1_80 ? 20 : 0;
        return new SrtpSessionKeys(
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpLabel.RtpEncryption, keyLength),
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpLabel.RtpAuthentication, authLength),
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpLabel.RtpSalt, saltLength),
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpLabel.RtcpEncryption, keyLength),
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpLabel.RtcpAuthentication, authLength),
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpLabel.RtcpSalt, saltLength));
    }
}
