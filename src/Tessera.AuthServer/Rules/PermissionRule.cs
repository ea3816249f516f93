using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Rules;

/// <summary>A validated rule: which groups, which people, and what it grants or that it denies.</summary>
public sealed class PermissionRule
{
    private readonly IReadOnlyList<GroupPattern> _groups;
    private readonly HashSet<string>? _members;
    private readonly HashSet<string>? _users;
    private readonly HashSet<string>? _userKeys;
    private readonly HashSet<string>? _providers;

    public PermissionRule(RuleConfig config, int index)
    {
        if (config.Groups.Count == 0) throw new ConfigException($"rules[{index}]: 'groups' is empty");
        if (config.Deny == (config.Permissions is not null))
            throw new ConfigException($"rules[{index}]: give either 'permissions' or \"deny\": true");
        _groups = config.Groups.Select(g => g.Length > 0 ? new GroupPattern(g)
                                                         : throw new ConfigException($"rules[{index}]: empty group pattern")).ToList();
        // Directory group names compare case-insensitively (LDAP cn matching is case-insensitive).
        _members = config.Members is null ? null : new HashSet<string>(config.Members, StringComparer.OrdinalIgnoreCase);
        _users = config.Users is null ? null : new HashSet<string>(config.Users, StringComparer.Ordinal);
        _userKeys = config.Users is null ? null : new HashSet<string>(config.Users.Select(Login.UsernameForm.Key), StringComparer.Ordinal);
        _providers = config.Providers is null ? null : new HashSet<string>(config.Providers, StringComparer.Ordinal);
        Deny = config.Deny;
        Permissions = config.Permissions?.Expand() ?? [];
    }

    public bool Deny { get; }
    public IReadOnlyList<string> Permissions { get; }

    /// <param name="username">The back end's stored name for the account.</param>
    /// <param name="loosely">The back end matches names ignoring case and compatibility forms, so a rule does too.</param>
    /// <param name="provider">The OpenID Connect back end the person signed in through; null for a password.</param>
    public bool Applies(string group, string username, IReadOnlyCollection<string> userGroups, bool loosely, string? provider = null)
    {
        if (!_groups.Any(g => g.Matches(group))) return false;
        if (_providers is not null && (provider is null || !_providers.Contains(provider))) return false;
        if (_users is not null && !(loosely ? _userKeys!.Contains(Login.UsernameForm.Key(username)) : _users.Contains(username))) return false;
        if (_members is not null && !userGroups.Any(_members.Contains)) return false;
        return true;
    }
}
