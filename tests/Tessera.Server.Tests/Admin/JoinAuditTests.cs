using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Admin;

/// <summary>Every admission leaves one audit line saying who, from where, how and with what; never the secret.</summary>
public class JoinAuditTests
{
    [Fact]
    public async Task Password_jwt_and_invitation_joins_each_leave_one_audit_line_without_their_secret()
    {
        var keys = Tokens.Es256("key-2026");
        var log = new List<string>();
        await using var s = await TestServer.StartAsync(f => f.Group("lab", new JsonObject
        {
            ["users"] = new JsonObject { ["alice"] = new JsonObject { ["password"] = "alice-secret", ["permissions"] = "op" } },
            ["authKeys"] = new JsonArray(keys.PublicJwk.DeepClone()),
        }.ToJsonString()), logSink: log);

        await using var alice = await s.JoinAsync("lab", "alice", "alice-secret");
        var jwt = keys.Mint(s.Url.Authority, "lab", sub: "bob", permissions: ["present"], edit: c => c["iss"] = "https://login.example");
        await using var bob = await s.ConnectAsync();
        Assert.Equal("join", (await bob.JoinAsync("lab", null, token: jwt)).Kind);

        await alice.SendAsync(new JsonObject
        {
            ["type"] = "groupaction", ["kind"] = "maketoken",
            ["value"] = new JsonObject { ["group"] = "lab", ["username"] = "carol", ["permissions"] = new JsonArray("message"), ["expires"] = 3_600_000 },
        });
        var invitation = (string)(await alice.ReceiveAsync("usermessage", where: m => (string?)m["kind"] == "token"))["value"]!["token"]!;
        await using var carol = await s.ConnectAsync();
        Assert.Equal("join", (await carol.JoinAsync("lab", null, token: invitation)).Kind);

        string[] audit;
        lock (log) audit = log.Where(l => l.Contains("join admitted")).ToArray();
        Assert.Equal(3, audit.Length);
        Assert.Contains(audit, l => l.Contains("group lab user alice from 127.0.0.1") && l.Contains("credential password") &&
                                    l.Contains("[op,present,message,caption,token]"));
        Assert.Contains(audit, l => l.Contains("user bob") && l.Contains("credential jwt kid key-2026 iss https://login.example") &&
                                    l.Contains("[present]"));
        var fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(invitation)))[..8];
        Assert.Contains(audit, l => l.Contains("user carol") && l.Contains($"credential invitation-token kid - iss - token {fingerprint}") &&
                                    l.Contains("[message]"));
        lock (log)
        {
            Assert.DoesNotContain(log, l => l.Contains("alice-secret") || l.Contains(invitation) || l.Contains(jwt.Split('.')[2]));
        }
    }
}
