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

    [Fact]
    public void Names_put_in_urls_have_no_control_characters_and_login_names_are_not_empty()
    {
        Assert.True(GroupNames.IsValidInUrl("team/room 1"));
        Assert.False(GroupNames.IsValidInUrl("room\u0007"));
        Assert.False(GroupNames.IsValidInUrl("a\nb"));
        Assert.False(GroupNames.IsValidLoginName(""));
        Assert.True(GroupNames.IsValidLoginName("ada"));
        Assert.False(GroupNames.IsValidLoginName("../ada"));
    }

    [Fact]
    public void Paths_encode_each_segment_and_keep_the_separators() =>
        Assert.Equal("team/room%201/%C3%A9t%C3%A9", GroupNames.ToPath("team/room 1/été"));
}
