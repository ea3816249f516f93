namespace Tessera.Auth.Tests.Login;

public class GroupNamesTests
{
    [Theory]
    [InlineData("lab")]
    [InlineData("lab/room-3")]
    [InlineData("Ada Lovelace")]
    [InlineData("jch@work")]
    [InlineData("Alice c/o Bob")]
    [InlineData(".hidden")]
    [InlineData("a/...")]
    public void Valid_names(string name) => Assert.True(GroupNames.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData("/root")]
    [InlineData("trailing/")]
    [InlineData("a//b")]
    [InlineData("a/../b")]
    [InlineData("a/./b")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("C:\\x")]
    public void Invalid_names(string name) => Assert.False(GroupNames.IsValid(name));

    [Fact]
    public void Empty_username_is_valid_though_an_empty_group_name_is_not()
    {
        Assert.True(GroupNames.IsValidUsername(""));
        Assert.False(GroupNames.IsValidUsername("/root"));
        Assert.True(GroupNames.IsValidUsername("Ada Lovelace"));
    }
}
