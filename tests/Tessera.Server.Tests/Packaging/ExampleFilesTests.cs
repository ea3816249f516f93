using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tessera.Auth.Passwords;
using Tessera.Protocol.Config;
using Tessera.Protocol.Descriptions;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Packaging;

/// <summary>
/// The example files shipped in the release tarball (packaging/examples) are read by the same
/// parsers the server uses, so an operator who copies one gets a file the server accepts.
/// scripts/check-release.sh also starts the released executable on them.
/// </summary>
public sealed class ExampleFilesTests
{
    internal static string ExamplesDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "packaging", "examples");
    }

    private static byte[] Example(string name) => File.ReadAllBytes(Path.Combine(ExamplesDirectory(), name));

    [Fact]
    public void The_example_config_json_is_valid_and_spells_out_the_defaults()
    {
        var config = ServerConfig.Parse(Example("config.json"));
        Assert.Equal(ServerLimits.Default, config.EffectiveLimits);
        Assert.Null(config.CanonicalHost); // would redirect every request for another host name
        Assert.Null(config.ProxyUrl);
    }

    [Fact]
    public void The_example_group_is_valid_public_and_has_no_usable_password()
    {
        var warnings = new List<string>();
        var group = GroupDescriptionReader.Parse(Example("groups/example.json"), warnings.Add);
        Assert.Empty(warnings);
        Assert.True(group.Public);
        // Until the operator sets them, nobody gets in: a copied example is no open door.
        Assert.All(group.Users!.Values.Append(group.WildcardUser!), u => Assert.Equal(PasswordKind.None, u.Password!.Kind));
        Assert.Equal("op", group.Users!["chair"].Permissions!.ToString());
    }

    [Fact]
    public void The_example_ice_servers_json_gives_coturn_shared_secret_credentials()
    {
        var lines = new List<string>();
        using var logs = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(lines)));
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var ice = new IceServers(ExamplesDirectory(), new ManualTimeProvider(now), logs.CreateLogger("ice"));

        var servers = (JsonArray)ice.RtcConfiguration()["iceServers"]!;

        Assert.Empty(lines); // nothing skipped, nothing unreadable
        var server = Assert.Single(servers)!;
        Assert.Equal(3, server["urls"]!.AsArray().Count);
        var username = (string)server["username"]!;
        Assert.Equal($"{now.ToUnixTimeSeconds() + 86400}:tessera", username);
        var secret = (string)JsonNode.Parse(Example("ice-servers.json"))![0]!["credential"]!;
        Assert.Equal(Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username))),
                     (string)server["credential"]!);
    }
}
