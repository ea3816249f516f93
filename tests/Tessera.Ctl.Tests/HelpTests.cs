namespace Tessera.Ctl.Tests;

/// <summary>Every command explains itself, in both galenectl's and the usual spelling.</summary>
public sealed class HelpTests
{
    public static readonly TheoryData<string> Commands = new(
        "gen-key", "public-key", "hash-password", "initial-setup", "set-password", "delete-password",
        "list-groups", "show-group", "create-group", "update-group", "delete-group",
        "list-users", "create-user", "update-user", "delete-user",
        "list-tokens", "create-token", "update-token", "revoke-token", "delete-token");

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_has_help(string command)
    {
        foreach (var flag in new[] { "--help", "-help" })
        {
            var (exit, output, error) = CtlRunner.Run("", command, flag);
            Assert.Equal(0, exit);
            Assert.Equal("", error);
            Assert.Contains("Usage:", output);
            Assert.Contains($" {command} ", output);
            Assert.Contains("Options:", output);
        }
    }

    [Fact]
    public void The_overview_lists_every_command()
    {
        var (exit, output, _) = CtlRunner.Run("", "-help");
        Assert.Equal(0, exit);
        foreach (var command in Commands) Assert.Contains(command, output);
    }
}
