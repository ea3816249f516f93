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
    public void TheFirstApplicableRuleWins()
    {
        var teacher = Assert.IsType<RuleDecision.Grant>(Rules.Decide("lectures/maths", "olga", ["teachers"]));
        Assert.Equal(["op", "present", "message", "caption", "token"], teacher.Permissions);
        var student = Assert.IsType<RuleDecision.Grant>(Rules.Decide("lectures/maths", "sam", ["students"]));
        Assert.Equal(["present", "message"], student.Permissions);
    }

    [Fact]
    public void MembershipComparesGroupNamesCaseInsensitively() =>
        Assert.Equal(5, Assert.IsType<RuleDecision.Grant>(Rules.Decide("lectures/x", "o", ["Teachers"])).Permissions.Count);

    [Fact]
    public void UserListsAndDenyRulesApply()
    {
        Assert.IsType<RuleDecision.Deny>(Rules.Decide("lectures/maths", "guest", []));
        Assert.IsType<RuleDecision.Deny>(Rules.Decide("staff", "olga", ["teachers"]));
    }

    [Fact]
    public void NoApplicableRuleIsNoMatch() =>
        Assert.IsType<RuleDecision.NoMatch>(Rules.Decide("lab", "olga", ["teachers"]));

    [Fact]
    public void ARuleMustEitherGrantOrDeny()
    {
        Assert.Throws<ConfigException>(() => new RuleSet([new RuleConfig { Groups = ["a"] }]));
        Assert.Throws<ConfigException>(() => new RuleSet([new RuleConfig { Groups = ["a"], Deny = true, Permissions = PermissionSpec.Named("op") }]));
        Assert.Throws<ConfigException>(() => new RuleSet([new RuleConfig { Groups = [], Deny = true }]));
    }
}
