using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Admin;

/// <summary>The real <c>tessera-ctl</c> process against a real server, as an administrator uses it.</summary>
public sealed class CtlCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private CtlProcess _ctl = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _ctl = new CtlProcess(Path.Combine(_server.Root, "home-config"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string GroupFile(string name) => File.ReadAllText(Path.Combine(_server.GroupsDir, name + ".json"));

    /// <summary>galenectl's own configuration file, as initial-setup writes it.</summary>
    private void WriteCtlConfig(string extra = "")
    {
        _server.WriteConfig("""{"writableGroups": true, "users": {"root": {"password": "rootpw", "permissions": "admin"}}}""");
        Directory.CreateDirectory(Path.Combine(_ctl.ConfigHome, "galene"));
        File.WriteAllText(Path.Combine(_ctl.ConfigHome, "galene", "galenectl.json"),
                          $$"""{"server": "{{_server.Url.ToString().TrimEnd('/')}}", "admin-username": "root", "admin-password": "rootpw"{{extra}}}""");
    }

    private async Task<string> Ok(string stdin, params string[] args)
    {
        var (exit, output, error) = await _ctl.RunAsync(stdin, args);
        Assert.True(exit == 0, $"tessera-ctl {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }

    private async Task<string> Fails(int expectedExit, params string[] args)
    {
        var (exit, output, error) = await _ctl.RunAsync("", args);
        Assert.True(exit == expectedExit, $"tessera-ctl {string.Join(' ', args)} exited {exit}, not {expectedExit}: {error}");
        Assert.Equal("", output);
        Assert.Single(error.Trim().Split('\n')); // one clear line, never a stack trace
        Assert.StartsWith("tessera-ctl: ", error);
        return error;
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes are a Unix notion
    public async Task Initial_setup_writes_both_configuration_files_and_the_server_obeys_them_at_once()
    {
        var serverConfig = Path.Combine(_server.DataDir, "config.json");
        var output = await Ok("", "-server", _server.Url.ToString(), "-admin-username", "root", "-admin-password", "s3cret",
                              "initial-setup", "-config", serverConfig);
        Assert.Contains("config.json", output);
        var config = JsonNode.Parse(File.ReadAllText(serverConfig))!;
        Assert.True((bool)config["writableGroups"]!);
        Assert.StartsWith("$2a$12$", (string)config["users"]!["root"]!["password"]!["key"]!);
        Assert.Equal("admin", (string)config["users"]!["root"]!["permissions"]!);
        var ctlConfig = Path.Combine(_ctl.ConfigHome, "galene", "galenectl.json");
        Assert.Equal("s3cret", (string)JsonNode.Parse(File.ReadAllText(ctlConfig))!["admin-password"]!);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ctlConfig));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(serverConfig));

        // From now on the tool needs no flags: the server re-reads config.json, the tool reads its own file.
        await Ok("", "create-group", "-group", "first");
        Assert.Equal("first\n", await Ok("", "list-groups"));
        // Never overwrites.
        Assert.Contains("exists already", await Fails(1, "-admin-username", "root", "-admin-password", "x", "initial-setup", "-config", serverConfig));
    }

    [Fact]
    public async Task Groups_users_and_passwords_made_with_the_tool_work_at_once()
    {
        WriteCtlConfig();
        await Ok("", "create-group", "-group", "lab", "-auto-subgroups");
        Assert.Contains("412", await Fails(1, "create-group", "-group=lab"));
        await Ok("""{"displayName": "Lab", "public": true, "comment": "to be removed"}""", "update-group", "--group", "lab", "-json");
        await Ok("""{"comment": null}""", "update-group", "-group", "lab", "-json", "-unrestricted-tokens");
        var lab = JsonNode.Parse(GroupFile("lab"))!;
        Assert.Equal(("Lab", true, true, true, null),
                     ((string?)lab["displayName"], (bool)lab["public"]!, (bool)lab["auto-subgroups"]!, (bool)lab["unrestricted-tokens"]!, lab["comment"]));
        Assert.Contains("\"displayName\": \"Lab\"", await Ok("", "show-group", "-group", "lab"));
        await Ok("", "create-group", "-group", "other/x");
        Assert.Equal("lab\nother/x\n", await Ok("", "list-groups"));
        Assert.Equal("other/x\n", await Ok("", "list-groups", "oth*"));

        await Ok("", "create-user", "-group", "lab", "-user", "alice", "-permissions", "op");
        await Ok("", "set-password", "-group", "lab", "-user", "alice", "-password", "from-flag");
        await using (var alice = await _server.JoinAsync("lab", "alice", "from-flag")) { }
        await Ok("from-stdin\n", "set-password", "-group", "lab", "-user", "alice", "-type", "pbkdf2");
        await using (var alice = await _server.JoinAsync("lab", "alice", "from-stdin")) { }
        Assert.Contains("\"pbkdf2\"", GroupFile("lab"));

        await Ok("", "create-user", "-group", "lab", "-wildcard");
        await Ok("", "set-password", "-group", "lab", "-wildcard", "-type", "wildcard");
        await using (var anyone = await _server.JoinAsync("lab", "passer-by", "anything")) { }
        await Ok("", "update-user", "-group", "lab", "-user", "alice", "-permissions", """["present","message"]""");
        Assert.Equal("alice        [mp]\n", await Ok("", "list-users", "-group", "lab", "-l"));
        Assert.Equal("present", (string)JsonNode.Parse(GroupFile("lab"))!["wildcard-user"]!["permissions"]!);

        await Ok("", "delete-password", "-group", "lab", "-user", "alice");
        await using (var refused = await _server.ConnectAsync())
            Assert.Equal("fail", (await refused.JoinAsync("lab", "alice", "from-stdin")).Kind);
        await Ok("", "delete-user", "-group", "lab", "-user", "alice");
        Assert.Contains("404", await Fails(1, "delete-user", "-group", "lab", "-user", "alice"));
        await Ok("", "delete-user", "-group", "lab", "-wildcard");
        Assert.Equal("", await Ok("", "list-users", "-group", "lab"));
        await Ok("", "delete-group", "-group", "lab");
        Assert.False(File.Exists(Path.Combine(_server.GroupsDir, "lab.json")));
    }

    [Fact]
    public async Task Tokens_made_with_the_tool_log_in_until_revoked_and_global_ones_administer()
    {
        WriteCtlConfig();
        await Ok("", "create-group", "-group", "lab");
        var token = (await Ok("", "create-token", "-group", "lab", "-user", "guest")).Trim();
        await using (var guest = await _server.ConnectAsync())
        {
            var joined = await guest.JoinAsync("lab", null, token: token);
            Assert.Equal(("join", "guest"), (joined.Kind, joined.Username));
            Assert.Equal(["present", "message"], joined.Permissions!);
        }
        Assert.Equal(token + "\n", await Ok("", "list-tokens", "-group", "lab"));
        Assert.Matches($@"^{token} +guest +mp +\d{{4}}-", await Ok("", "list-tokens", "-group", "lab", "-l"));

        await Ok("", "revoke-token", "-group", "lab", "-token", token);
        Assert.Contains("(expired)", await Ok("", "list-tokens", "-group", "lab", "-l"));
        await using (var refused = await _server.ConnectAsync())
            Assert.Equal("fail", (await refused.JoinAsync("lab", null, token: token)).Kind);
        await Ok("", "update-token", "-group", "lab", "-token", token, "-expires", "2h", "-permissions", "op");
        await using (var again = await _server.ConnectAsync())
            Assert.Contains("op", (await again.JoinAsync("lab", null, token: token)).Permissions!);
        await Ok("", "delete-token", "-group", "lab", "-token", token);
        Assert.Equal("", await Ok("", "list-tokens", "-group", "lab"));

        // A global administrator token, then the tool used with it alone.
        var global = (await Ok("", "create-token", "-group", "", "-include-subgroups", "-permissions", """["admin"]""", "-expires", "1h")).Trim();
        Assert.Equal(global + "\n", await Ok("", "list-tokens", "-group", ""));
        File.Delete(Path.Combine(_ctl.ConfigHome, "galene", "galenectl.json"));
        Assert.Equal("lab\n", await Ok("", "-server", _server.Url.ToString(), "-admin-token", global, "list-groups"));
    }

    [Fact]
    public async Task Mistakes_and_refusals_give_one_line_and_a_non_zero_exit()
    {
        WriteCtlConfig();
        await Ok("", "create-group", "-group", "lab");
        Assert.Contains("401", await Fails(1, "-admin-password", "wrong", "list-groups"));
        Assert.Contains("-group is required", await Fails(1, "create-group"));
        Assert.Contains("exactly one of -user and -wildcard", await Fails(1, "create-user", "-group", "lab"));
        Assert.Contains("unknown permission 'king'", await Fails(1, "create-user", "-group", "lab", "-user", "u", "-permissions", "king"));
        Assert.Contains("not a duration", await Fails(1, "create-token", "-group", "lab", "-expires", "soon"));
        Assert.Contains("cannot reach", await Fails(1, "-server", "http://127.0.0.1:1", "list-groups"));
        Assert.Contains("unknown command", await Fails(1, "make-coffee"));
        var (exit, _, error) = await _ctl.RunAsync("", "create-group", "-no-such-flag");
        Assert.Equal(2, exit);
        Assert.Contains("-no-such-flag", error);

        // writableGroups off: the refusal says where to look.
        _server.WriteConfig("""{"users": {"root": {"password": "rootpw", "permissions": "admin"}}}""");
        Assert.Contains("writableGroups", await Fails(1, "create-user", "-group", "lab", "-user", "u"));
        // A configuration file with a typo is reported, not ignored.
        WriteCtlConfig(""", "admin-pasword": "x" """);
        Assert.Contains("galenectl.json", await Fails(1, "list-groups"));
    }
}
