using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Rules;

/// <summary>The configured rules, tried in order; the first that applies decides.</summary>
public sealed class RuleSet
{
    private readonly IReadOnlyList<PermissionRule> _rules;

    public RuleSet(IEnumerable<RuleConfig> rules) =>
        _rules = rules.Select((r, i) => new PermissionRule(r, i)).ToList();

    public int Count => _rules.Count;

    public RuleDecision Decide(string group, string username, IReadOnlyCollection<string> userGroups)
    {
        foreach (var rule in _rules)
        {
            if (!rule.Applies(group, username, userGroups)) continue;
            return rule.Deny ? new RuleDecision.Deny() : new RuleDecision.Grant(rule.Permissions);
        }
        return new RuleDecision.NoMatch();
    }
}
