using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Rules;

/// <summary>The configured rules, tried in order; the first that applies decides.</summary>
public sealed class RuleSet
{
    private readonly IReadOnlyList<PermissionRule> _rules;

    public RuleSet(IEnumerable<RuleConfig> rules) =>
        _rules = rules.Select((r, i) => new PermissionRule(r, i)).ToList();

    public int Count => _rules.Count;

    /// <param name="loosely">Compare rule usernames as the back end compares names (see <see cref="Backends.IUserBackend.MatchesNamesLoosely"/>).</param>
    /// <param name="provider">The OpenID Connect back end the person signed in through; null for a password.</param>
    public RuleDecision Decide(string group, string username, IReadOnlyCollection<string> userGroups, bool loosely = false,
                               string? provider = null)
    {
        foreach (var rule in _rules)
        {
            if (!rule.Applies(group, username, userGroups, loosely, provider)) continue;
            return rule.Deny ? new RuleDecision.Deny() : new RuleDecision.Grant(rule.Permissions);
        }
        return new RuleDecision.NoMatch();
    }
}
