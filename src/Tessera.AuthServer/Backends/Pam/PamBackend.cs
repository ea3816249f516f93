using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Backends.Pam;

/// <summary>
/// Unix accounts checked through PAM (<c>pam_authenticate</c> then <c>pam_acct_mgmt</c>, so expired
/// or locked accounts are refused). A user unknown to NSS is "unknown" here and falls through;
/// group names come from <c>getgrouplist</c>. PAM calls block, so they run on the thread pool, at
/// most <see cref="Environment.ProcessorCount"/> at a time (pam_unix hashes are deliberately slow).
/// </summary>
public sealed class PamBackend : IUserBackend
{
    private readonly string _service;
    private readonly SemaphoreSlim _concurrency = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public PamBackend(PamBackendConfig config)
    {
        if (string.IsNullOrWhiteSpace(config.Service) || config.Service.Contains('/'))
            throw new ConfigException("pam back end: 'service' must name a file in /etc/pam.d");
        _service = config.Service;
    }

    public string Name => $"pam:{_service}";

    public bool MatchesNamesLoosely => false;

    public async ValueTask<BackendResult> AuthenticateAsync(string username, string password, CancellationToken cancellationToken)
    {
        // NUL cannot cross into C strings; such a name cannot be a Unix account.
        if (username.Length == 0 || username.Contains('\0')) return BackendResult.UnknownUser;
        if (UnixAccounts.Find(username) is not var (canonical, gid)) return BackendResult.UnknownUser;
        if (password.Length == 0 || password.Contains('\0')) return BackendResult.WrongPassword;

        await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // PAM and NSS are asked about the passwd name itself: an NSS source that folds case
            // (sssd, libnss-ldap) must not make a retyped name a different account.
            var ok = await Task.Run(() => PamSession.Check(_service, canonical, password), cancellationToken).ConfigureAwait(false);
            return ok ? new BackendResult.Authenticated(canonical, UnixAccounts.GroupNames(canonical, gid), null) : BackendResult.WrongPassword;
        }
        catch (DllNotFoundException e)
        {
            throw new BackendException($"{Name}: libpam.so.0 is not installed", e);
        }
        finally
        {
            _concurrency.Release();
        }
    }

    public void Dispose() => _concurrency.Dispose();
}
