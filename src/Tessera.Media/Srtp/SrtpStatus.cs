namespace Tessera.Media.Srtp;

/// <summary>Outcome of unprotecting one packet; anything but Ok means drop it.</summary>
public enum SrtpStatus
{
    Ok,
    Malformed,
    ReplayTooOld,
    ReplayDuplicate,
    AuthenticationFailed,
}
