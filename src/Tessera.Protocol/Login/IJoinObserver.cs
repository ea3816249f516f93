using Tessera.Auth.Login;

namespace Tessera.Protocol.Login;

/// <summary>
/// Told of every join's outcome, for the audit trail and metrics: the protocol knows when a join
/// succeeds or fails, the host decides what to record.
/// </summary>
public interface IJoinObserver
{
    /// <summary>A client was admitted (called under the group's lock: keep it short).</summary>
    void Admitted(ClientSession session, string group, CredentialCheckResult credentials);

    /// <summary>A join was refused; <paramref name="reason"/> is the error id or the text sent to the client.</summary>
    void Refused(string group, string reason, CredentialCheckResult? credentials);
}

/// <summary>Records nothing.</summary>
public sealed class NoJoinObserver : IJoinObserver
{
    public static readonly NoJoinObserver Instance = new();

    public void Admitted(ClientSession session, string group, CredentialCheckResult credentials) { }
    public void Refused(string group, string reason, CredentialCheckResult? credentials) { }
}
