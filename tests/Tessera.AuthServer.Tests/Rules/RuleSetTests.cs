using Tessera.Auth.Permissions;
using Tessera.AuthServer.Configuration;
using Tessera.AuthServer.Rules;

namespace Tessera.AuthServer.Tests.Rules;

public sealed class RuleSetTests
{
    private static readonly RuleSet Rules = new([
        new RuleConfig { Groups = ["lectures/*"], Members = ["teachers"], Permissions = PermissionSpec.Named("op") },
        new RuleConfig { Groups = ["lectures/*"], Users = ["guest"], Deny = true },
        new RuleConfig { Groups = ["lectures/*"], Permissions = PermissionSpec.Explicit(["present", "message"]) },
        new RuleConfig { Groups = ["staff"], Deny = true },
    ]);

    [Fact]
    public void The_first_applicable_rule_wins()
    {
        var teacher = Assert.IsType<RuleDecision.Grant>(Rules.Decide("lectures/maths", "olga", ["teachers"]));
        Assert.Equal(["op", "present", "message", "caption", "token"], teacher.Permissions);
        var student = Assert.IsType<RuleDecision.Grant>(Rules.Decide("lectures/maths", "sam", ["students"]));
        Assert.Equal(["present", "message"], student.Permissions);
    }

    [Fact]
    public void Membership_compares_group_names_case_insensitively() =>
        Assert.Equal(5, Assert.IsType<RuleDecision.Grant>(Rules.Decide("lectures/x", "o", ["Teachers"])).Permissions.Count);

    [Fact]
    public void User_lists_and_deny_rules_apply()
    {
        Assert.IsType<RuleDecision.Deny>(Rules.Decide("lectures/maths", "guest", []));
        Assert.IsType<RuleDecision.Deny>(Rules.Decide("staff", "olga", ["teachers"]));
    }

    [Fact]
    public void No_applicable_rule_is_no_match() =>
        Assert.IsType<RuleDecision.NoMatch>(Rules.Decide("lab", "olga", ["teachers"]));

    [Fact]
    public void A_rule_must_either_grant_or_deny()
    {
        Assert.Throws<ConfigException>(() => new RuleSet([new RuleConfig { Groups = ["a"] }]));
        Assert.Throws<ConfigException>(() => new RuleSet([new RuleConfig { Groups = ["a"], Deny = true, Permissions = PermissionSpec.Named("op") }]));
        Assert.Throws<ConfigException>(() => new RuleSet([new RuleConfig { Groups = [], Deny = true }]));
    }
}
