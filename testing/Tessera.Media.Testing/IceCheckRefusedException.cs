namespace Tessera.Media.Testing;

/// <summary>The server answered our connectivity check with a Binding error response.</summary>
public sealed class IceCheckRefusedException(int? errorCode)
    : Exception($"the server refused the ICE check (STUN error {errorCode?.ToString() ?? "without a code"})")
{
    public int? ErrorCode { get; } = errorCode;
}
