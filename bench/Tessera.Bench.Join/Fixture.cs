using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;

namespace Tessera.Bench.Join;

/// <summary>
/// The data and groups directories the benchmark runs against: a join group and a chat group
/// (wildcard user with a plain password, an HS256 and an ES256 key in <c>authKeys</c>) and a
/// pool of invitation tokens in <c>var/tokens.jsonl</c>. The private keys are kept in
/// <c>bench-keys.json</c> so that a server started by hand on the same folders can be attacked too.
/// </summary>
public sealed class Fixture
{
    public const string JoinGroup = "join";
    public const string ChatGroup = "chat";
    public const string Password = "bench-password";
    public const int ChatGroups = 9;

    private Fixture(string root, JsonWebKey hs256, JsonWebKey es256, int invitations)
    {
        Root = root;
        Hs256 = hs256;
        Es256 = es256;
        Invitations = invitations;
    }

    public string Root { get; }
    public string DataDir => Path.Combine(Root, "data");
    public string GroupsDir => Path.Combine(Root, "groups");
    public JsonWebKey Hs256 { get; }
    public JsonWebKey Es256 { get; }
    public int Invitations { get; }

    public static string ChatGroupFor(int run) => $"{ChatGroup}{run % ChatGroups}";
    public static string InvitationToken(int i) => $"bench-invite-{i:D6}";

    public static Fixture Create(string root, int invitations)
    {
        var hs = JsonWebKeyGenerator.Generate("HS256", "bench-hs");
        var es = JsonWebKeyGenerator.Generate("ES256", "bench-es");
        Directory.CreateDirectory(Path.Combine(root, "data", "var"));
        Directory.CreateDirectory(Path.Combine(root, "groups"));
        var fixture = new Fixture(root, JsonWebKeyParser.Parse(hs), JsonWebKeyParser.Parse(es), invitations);

        var group = new JsonObject
        {
            ["wildcard-user"] = new JsonObject { ["password"] = Password, ["permissions"] = "present" },
            ["authKeys"] = new JsonArray(JsonNode.Parse(hs), JsonNode.Parse(fixture.Es256.ToPublicJwk())),
        };
        var text = group.ToJsonString();
        // The server limits each member's chat rate (5/s by default); the fan-out phase sends faster on purpose.
        File.WriteAllText(Path.Combine(root, "data", "config.json"),
            """{"limits": {"chatBurst": 1000, "chatPerSecond": 1000}}""");
        File.WriteAllText(Path.Combine(fixture.GroupsDir, JoinGroup + ".json"), text);
        for (var i = 0; i < ChatGroups; i++) File.WriteAllText(Path.Combine(fixture.GroupsDir, ChatGroupFor(i) + ".json"), text);

        using (var tokens = new StreamWriter(Path.Combine(fixture.DataDir, "var", "tokens.jsonl")))
        {
            for (var i = 0; i < invitations; i++)
            {
                tokens.WriteLine(new JsonObject
                {
                    ["token"] = InvitationToken(i),
                    ["group"] = JoinGroup,
                    ["username"] = $"inv{i}",
                    ["permissions"] = new JsonArray("present", "message"),
                    ["expires"] = "2999-01-01T00:00:00Z",
                }.ToJsonString());
            }
        }
        File.WriteAllText(Path.Combine(root, "bench-keys.json"),
            new JsonObject { ["hs256"] = hs, ["es256"] = es, ["invitations"] = invitations }.ToJsonString());
        return fixture;
    }

    /// <summary>Reads a folder written by <see cref="Create"/> (for <c>--server-url</c>).</summary>
    public static Fixture Load(string root)
    {
        using var keys = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "bench-keys.json")));
        var r = keys.RootElement;
        return new Fixture(root, JsonWebKeyParser.Parse(r.GetProperty("hs256").GetString()!),
            JsonWebKeyParser.Parse(r.GetProperty("es256").GetString()!), r.GetProperty("invitations").GetInt32());
    }
}
