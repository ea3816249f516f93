namespace Tessera.AuthServer.Backends;

/// <summary>
/// A source of accounts. The first back end that knows a user decides for it: a wrong password
/// there is a refusal, never a reason to try the next one.
/// </summary>
public interface IUserBackend : IDisposable
{
    /// <summary>For log lines (never with credentials).</summary>
    string Name { get; }

    /// <summary>
    /// Whether the back end matches usernames ignoring case and compatibility forms (a directory
    /// does; Unix and the users file do not). Rules then compare names the same way.
    /// </summary>
    bool MatchesNamesLoosely { get; }

    /// <exception cref="BackendException">The back end could not answer (unreachable directory, corrupt entry).</exception>
    ValueTask<BackendResult> AuthenticateAsync(string username, string password, CancellationToken cancellationToken);
}
