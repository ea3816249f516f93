using Tessera.Auth.Login;
using Tessera.Protocol;
using Tessera.Protocol.Login;

namespace Tessera.Server.Monitoring;

/// <summary>
/// The audit trail of joins: one structured line per admission (category <c>Tessera.Audit</c>),
/// saying who, where from, with which permissions and with what kind of credential — never the
/// password or the token, only a token's fingerprint and a JWT's <c>kid</c> and <c>iss</c>. Also
/// feeds the join counters of <see cref="ServerMetrics"/>.
/// </summary>
public sealed partial class JoinAudit(ServerMetrics metrics, ILogger logger) : IJoinObserver
{
    public void Admitted(ClientSession session, string group, CredentialCheckResult credentials)
    {
        metrics.Joined(credentials);
        if (logger.IsEnabled(LogLevel.Information))
            LogAdmitted(logger, group, session.Username, session.RemoteAddress, Credential(credentials.Method), credentials.KeyId ?? "-",
                        credentials.Issuer ?? "-", credentials.TokenFingerprint ?? "-", string.Join(",", credentials.Permissions));
    }

    // Generated at build time: no template parsing, boxing or argument array per join.
    [LoggerMessage(Level = LogLevel.Information,
        Message = "join admitted: group {Group} user {Username} from {Address} credential {Credential} kid {KeyId} iss {Issuer} token {TokenFingerprint} permissions [{Permissions}]")]
    private static partial void LogAdmitted(ILogger logger, string group, string? username, string address, string credential,
                                            string keyId, string issuer, string tokenFingerprint, string permissions);

    public void Refused(string group, string reason, CredentialCheckResult? credentials) => metrics.Refused(reason, credentials);

    private static string Credential(string? method) => method switch
    {
        "password" => "password",
        "wildcard" => "wildcard-password",
        "jwt" => "jwt",
        "token" => "invitation-token",
        _ => method ?? "unknown",
    };
}
