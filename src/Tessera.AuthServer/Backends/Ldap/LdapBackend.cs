using System.DirectoryServices.Protocols;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Backends.Ldap;

/// <summary>
/// Accounts in an LDAP directory. The user's DN comes from a template (<c>userDn</c>) or from a
/// search with a service account (<c>bindDn</c>, <c>base</c>, <c>filter</c>); the password is
/// checked by binding as that DN; group names come from a search under <c>groupBase</c>. Service
/// work and user binds use separate connection pools, so service connections stay bound.
/// </summary>
public sealed class LdapBackend : IUserBackend
{
    private const int InvalidCredentials = 49;

    private readonly LdapBackendConfig _config;
    private readonly LdapConnectionPool _userPool;
    private readonly LdapConnectionPool? _servicePool;
    private readonly ExpiringCache<string> _dns;
    private readonly ExpiringCache<IReadOnlyList<string>> _groups;
    private readonly string _usernameAttribute;

    public LdapBackend(LdapBackendConfig config, TimeProvider? time = null)
    {
        Validate(config);
        _config = config;
        _usernameAttribute = config.UsernameAttribute ?? NameAttributeIn(config.UserDn ?? config.Filter)
            ?? throw new ConfigException("ldap back end: cannot tell which attribute holds the username from 'userDn'/'filter'; set 'usernameAttribute'");
        var endpoint = LdapEndpoint.Parse(config.Url, config.StartTls, config.TlsCaDirectory);
        var timeout = TimeSpan.FromSeconds(config.Timeout);
        _userPool = new LdapConnectionPool(endpoint, config.PoolSize, timeout);
        if (config.BindDn is not null) _servicePool = new LdapConnectionPool(endpoint, config.PoolSize, timeout);
        Name = $"ldap:{endpoint.Host}:{endpoint.Port}";
        var cacheLifetime = TimeSpan.FromSeconds(config.CacheSeconds);
        _dns = new ExpiringCache<string>(cacheLifetime, time ?? TimeProvider.System);
        _groups = new ExpiringCache<IReadOnlyList<string>>(cacheLifetime, time ?? TimeProvider.System);
    }

    public string Name { get; }

    /// <summary>Directories match names with their own rules, which ignore case and surrounding spaces.</summary>
    public bool MatchesNamesLoosely => true;

    /// <summary>The attribute compared with <c>{0}</c>: <c>uid</c> in <c>uid={0},ou=people,…</c> or <c>(&amp;(…)(uid={0}))</c>.</summary>
    private static string? NameAttributeIn(string template) =>
        System.Text.RegularExpressions.Regex.Match(template, @"([A-Za-z][A-Za-z0-9-]*)\s*=\s*\{0\}") is { Success: true } m ? m.Groups[1].Value : null;

    private static void Validate(LdapBackendConfig c)
    {
        if (c.UserDn is null && c.BindDn is null)
            throw new ConfigException("ldap back end: give 'userDn' (bind template) or 'bindDn' + 'base' (search)");
        if (c.UserDn is not null && !c.UserDn.Contains("{0}"))
            throw new ConfigException("ldap back end: 'userDn' must contain {0} for the username");
        if (c.UserDn is null && (c.Base is null || !c.Filter.Contains("{0}")))
            throw new ConfigException("ldap back end: search mode needs 'base' and a 'filter' containing {0}");
        if (c.BindDn is not null && c.BindPassword is null)
            throw new ConfigException("ldap back end: 'bindDn' needs 'bindPassword'");
        if (c.PoolSize is < 1 or > 256) throw new ConfigException("ldap back end: 'poolSize' must be between 1 and 256");
        if (c.Timeout <= 0) throw new ConfigException("ldap back end: 'timeout' must be positive");
        if (c.CacheSeconds < 0) throw new ConfigException("ldap back end: 'cacheSeconds' must not be negative");
    }

    public async ValueTask<BackendResult> AuthenticateAsync(string username, string password, CancellationToken cancellationToken)
    {
        // An empty password would be an "unauthenticated bind" (RFC 4513 §5.1.2), which succeeds.
        if (password.Length == 0 || username.Length == 0) return BackendResult.WrongPassword;
        try
        {
            string? dn;
            var dnFromCache = false;
            if (_config.UserDn is not null)
                dn = _config.UserDn.Replace("{0}", LdapEscaping.DnValue(username));
            else if (_dns.TryGet(username, out var cached))
            {
                dn = cached;
                dnFromCache = true;
            }
            else
            {
                dn = await FindUserDnAsync(username, cancellationToken).ConfigureAwait(false);
                if (dn is null) return BackendResult.UnknownUser;
                _dns.Set(username, dn);
            }

            var user = await _userPool.RentAsync(cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string>? groups = null;
            string canonical;
            try
            {
                if (!TryBind(user, dn, password))
                {
                    if (dnFromCache)
                    {
                        // The entry may have moved since it was cached: look again before refusing.
                        _dns.Remove(username);
                        _userPool.Return(user);
                        user = null;
                        return await AuthenticateAsync(username, password, cancellationToken).ConfigureAwait(false);
                    }
                    if (_config.UserDn is null) return BackendResult.WrongPassword;
                    return await EntryExistsAsync(user, dn, cancellationToken).ConfigureAwait(false)
                        ? BackendResult.WrongPassword
                        : BackendResult.UnknownUser;
                }
                canonical = await ReadStoredNameAsync(user, dn, username, cancellationToken).ConfigureAwait(false);
                if (_config.GroupBase is null) return new BackendResult.Authenticated(canonical, [], null);
                if (_groups.TryGet(dn, out var cachedGroups)) return new BackendResult.Authenticated(canonical, cachedGroups, null);
                // Without a service account the user looks up their own groups.
                if (_servicePool is null) groups = SearchGroups(user, canonical, dn);
            }
            finally
            {
                if (user is not null) _userPool.Return(user);
            }
            if (groups is null)
            {
                var service = await RentServiceAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    groups = SearchGroups(service, canonical, dn);
                }
                finally
                {
                    _servicePool!.Return(service);
                }
            }
            _groups.Set(dn, groups);
            return new BackendResult.Authenticated(canonical, groups, null);
        }
        catch (Exception e) when (e is LdapException or DirectoryOperationException or DirectoryException)
        {
            throw new BackendException($"{Name}: {e.Message}", e);
        }
    }

    private static bool TryBind(PooledLdapConnection connection, string dn, string password)
    {
        try
        {
            connection.Bind(dn, password);
            return true;
        }
        catch (LdapException e) when (e.ErrorCode == InvalidCredentials)
        {
            return false;
        }
        catch
        {
            connection.Broken = true;
            throw;
        }
    }

    /// <summary>
    /// The login name as the directory stores it, read from the entry just bound to: the typed
    /// name only had to match it under the directory's own rules (" Alice" finds "alice"). An
    /// attribute with several values gives the one the typed name matched. Read as the user, or
    /// with the service account if the user may not read their own entry; if neither can, the
    /// login fails as a back-end error rather than trusting the typed spelling.
    /// </summary>
    private async ValueTask<string> ReadStoredNameAsync(PooledLdapConnection bound, string dn, string typed, CancellationToken cancellationToken)
    {
        var request = new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, _usernameAttribute);
        var values = StoredNames(bound, request);
        if (values.Count == 0 && _servicePool is not null)
        {
            var service = await RentServiceAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                values = StoredNames(service, request);
            }
            finally
            {
                _servicePool.Return(service);
            }
        }
        if (values.Count == 0)
            throw new BackendException($"{Name}: cannot read the '{_usernameAttribute}' attribute of the account that logged in");
        var key = Login.UsernameForm.Key(typed);
        return values.FirstOrDefault(v => Login.UsernameForm.Key(v) == key) ?? values[0];
    }

    private static List<string> StoredNames(PooledLdapConnection connection, SearchRequest request)
    {
        var response = Send(connection, request);
        var names = new List<string>();
        foreach (SearchResultEntry entry in response.Entries)
            if (entry.Attributes[request.Attributes[0]!] is { } attribute)
                foreach (var value in attribute.GetValues(typeof(string))) names.Add((string)value);
        return names;
    }

    private async ValueTask<PooledLdapConnection> RentServiceAsync(CancellationToken cancellationToken)
    {
        var service = await _servicePool!.RentAsync(cancellationToken).ConfigureAwait(false);
        if (service.BoundAs == _config.BindDn) return service;
        try
        {
            if (!TryBind(service, _config.BindDn!, _config.BindPassword!))
                throw new BackendException($"{Name}: the service account's bind was refused (check bindDn/bindPassword)");
            return service;
        }
        catch
        {
            service.Broken = true;
            _servicePool.Return(service);
            throw;
        }
    }

    /// <returns>The DN of the single entry the filter finds; null when none.</returns>
    private async ValueTask<string?> FindUserDnAsync(string username, CancellationToken cancellationToken)
    {
        var service = await RentServiceAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var filter = _config.Filter.Replace("{0}", LdapEscaping.FilterValue(username));
            var request = new SearchRequest(_config.Base, filter, SearchScope.Subtree, "1.1") { SizeLimit = 2 };
            var response = Send(service, request);
            return response.Entries.Count switch
            {
                0 => null,
                1 => response.Entries[0].DistinguishedName,
                _ => throw new BackendException($"{Name}: the user filter matches several entries for one username"),
            };
        }
        finally
        {
            _servicePool!.Return(service);
        }
    }

    /// <summary>
    /// After a refused template bind: does the DN exist? Asked with the service account when there
    /// is one, else anonymously; if the directory will not say, assume it does (refuse, don't fall through).
    /// </summary>
    private async ValueTask<bool> EntryExistsAsync(PooledLdapConnection anonymous, string dn, CancellationToken cancellationToken)
    {
        var request = new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, "1.1");
        if (_servicePool is null) return Exists(anonymous, request);
        var service = await RentServiceAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Exists(service, request);
        }
        finally
        {
            _servicePool.Return(service);
        }
    }

    private static bool Exists(PooledLdapConnection connection, SearchRequest request)
    {
        try
        {
            return ((SearchResponse)connection.Connection.SendRequest(request)).Entries.Count > 0;
        }
        catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            return false;
        }
        catch (DirectoryOperationException)
        {
            return true;
        }
    }

    private IReadOnlyList<string> SearchGroups(PooledLdapConnection connection, string username, string dn)
    {
        var filter = _config.GroupFilter.Replace("{dn}", LdapEscaping.FilterValue(dn))
                                        .Replace("{0}", LdapEscaping.FilterValue(username));
        var request = new SearchRequest(_config.GroupBase, filter, SearchScope.Subtree, _config.GroupAttribute);
        var response = Send(connection, request);
        var groups = new List<string>();
        foreach (SearchResultEntry entry in response.Entries)
        {
            var attribute = entry.Attributes[_config.GroupAttribute];
            if (attribute is null) continue;
            foreach (var value in attribute.GetValues(typeof(string))) groups.Add((string)value);
        }
        return groups;
    }

    private static SearchResponse Send(PooledLdapConnection connection, SearchRequest request)
    {
        try
        {
            return (SearchResponse)connection.Connection.SendRequest(request);
        }
        catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            // The base itself is missing: nothing found, not a transport failure.
            return (SearchResponse)e.Response;
        }
        catch (LdapException)
        {
            connection.Broken = true;
            throw;
        }
    }

    public void Dispose()
    {
        _userPool.Dispose();
        _servicePool?.Dispose();
    }
}
