namespace Tessera.Media.Stun;

public static class StunConstants
{
    public const uint MagicCookie = 0x2112A442;
    public const int HeaderLength = 20;
    public const int TransactionIdLength = 12;
    public const int MessageIntegrityLength = 20;
    public const int FingerprintLength = 4;

    /// <summary>FINGERPRINT is the CRC-32 of the message XORed with this value ("STUN").</summary>
    public const uint FingerprintXor = 0x5354554E;
}
