using Tessera.AuthServer.Rules;

namespace Tessera.AuthServer.Tests.Rules;

public sealed class GroupPatternTests
{
    [Theory]
    [InlineData("lab", "lab", true)]
    [InlineData("lab", "lab2", false)]
    [InlineData("lectures/*", "lectures/maths", true)]
    [InlineData("lectures/*", "lectures", false)]
    [InlineData("lectures/*", "lectures/maths/room1", false)]
    [InlineData("lectures/**", "lectures/maths/room1", true)]
    [InlineData("lectures/**", "lecturesx/a", false)]
    [InlineData("*", "anything", true)]
    [InlineData("*", "a/b", false)]
    [InlineData("**", "a/b/c", true)]
    [InlineData("room-*-a", "room-12-a", true)]
    [InlineData("room-*-a", "room-1/2-a", false)]
    [InlineData("Lab", "lab", false)]
    public void Globs_match_within_or_across_segments(string pattern, string group, bool expected) =>
        Assert.Equal(expected, new GroupPattern(pattern).Matches(group));
}
