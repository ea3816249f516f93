namespace Tessera.AuthServer.Rules;

/// <summary>What the rules say about a user in a group.</summary>
public abstract record RuleDecision
{
    private RuleDecision() { }

    /// <summary>A rule grants these permissions (internal names, to be put in the token verbatim).</summary>
    public sealed record Grant(IReadOnlyList<string> Permissions) : RuleDecision;

    /// <summary>A rule refuses the user this group.</summary>
    public sealed record Deny : RuleDecision;

    /// <summary>No rule applies.</summary>
    public sealed record NoMatch : RuleDecision;
}
