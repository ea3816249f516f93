using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Rules;

/// <summary>A validated rule: which groups, which people, and what it grants or that it denies.</summary>
public sealed class PermissionRule
{
    private readonly IReadOnlyList<GroupPattern> _groups;
    private readonly HashSet<string>? _members;
    private readonly HashSet<string>? _users;

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
        Deny = config.Deny;
        Permissions = config.Permissions?.Expand() ?? [];
    }

    public bool Deny { get; }
    public IReadOnlyList<string> Permissions { get; }

    public bool Applies(string group, string username, IReadOnlyCollection<string> userGroups)
    {
        if (!_groups.Any(g => g.Matches(group))) return false;
        if (_users is not null && !_users.Contains(username)) return false;
        if (_members is not null && !userGroups.Any(_members.Contains)) return false;
        return true;
    }
}
