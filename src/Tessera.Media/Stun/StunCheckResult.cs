namespace Tessera.Media.Stun;

public enum StunCheckResult
{
    Ok,
    MissingFingerprint,
    BadFingerprint,
    /// <summary>No MESSAGE-INTEGRITY or no USERNAME: answered with 400 per RFC 8489 §9.1.3.</summary>
    MissingIntegrity,
    /// <summary>Integrity does not verify: answered with 401.</summary>
    BadIntegrity,
}
