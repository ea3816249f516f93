using Tessera.AuthServer.Backends.Ldap;

namespace Tessera.AuthServer.Tests.Backends;

public sealed class LdapEscapingTests
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("a,b", "a\\,b")]
    [InlineData("a+b=c", "a\\+b\\=c")]
    [InlineData("\"q\"<>;\\", "\\\"q\\\"\\<\\>\\;\\\\")]
    [InlineData(" lead", "\\ lead")]
    [InlineData("#hash", "\\#hash")]
    [InlineData("trail ", "trail\\ ")]
    [InlineData("mid dle#", "mid dle#")]
    [InlineData("nul\0", "nul\\00")]
    public void Dn_values_are_escaped_per_rfc4514(string input, string expected) =>
        Assert.Equal(expected, LdapEscaping.DnValue(input));

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("*", "\\2a")]
    [InlineData("a)(uid=*", "a\\29\\28uid=\\2a")]
    [InlineData("back\\slash", "back\\5cslash")]
    [InlineData("nul\0", "nul\\00")]
    public void Filter_values_are_escaped_per_rfc4515(string input, string expected) =>
        Assert.Equal(expected, LdapEscaping.FilterValue(input));
}
