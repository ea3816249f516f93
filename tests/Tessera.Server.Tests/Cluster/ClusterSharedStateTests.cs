using System.Net;
using System.Text;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Cluster;

/// <summary>State every node must agree on: invitation tokens (in Redis) and group files (in the shared folder).</summary>
[Collection(TestCluster.Collection)]
public sealed class ClusterSharedStateTests
{
    [Fact]
    public async Task A_token_made_on_one_node_opens_the_group_on_another_and_its_deletion_counts_everywhere()
    {
        await using var cluster = await TestCluster.StartAsync();
        File.WriteAllText(Path.Combine(cluster.GroupsDir, "exam.json"), """{"public": true}"""); // tokens are the only way in
        var (a, b, c) = (TestCluster.BaseUrl(cluster.Nodes[0]!), TestCluster.BaseUrl(cluster.Nodes[1]!), TestCluster.BaseUrl(cluster.Nodes[2]!));
        using var http = TestCluster.AdminHttp();

        using var created = await http.PostAsync(a + "/galene-api/v0/.groups/exam/.tokens/",
            new StringContent("""{"permissions": ["present"], "expires": "2099-01-01T00:00:00Z"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = created.Headers.Location!.OriginalString;

        var (student, _) = await ClusterClient.JoinAsync(c, "exam", "student", token);
        await using var s = student;
        Assert.Contains(token, await http.GetStringAsync(b + "/galene-api/v0/.groups/exam/.tokens/"));

        using var deleted = await http.DeleteAsync($"{b}/galene-api/v0/.groups/exam/.tokens/{token}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var host = await cluster.AwaitHostAsync("exam");
        var (late, joined) = await ClusterClient.JoinAtAsync($"ws://127.0.0.1:{host.Port}/ws", "exam", "late", token);
        await using var l = late;
        Assert.Equal("fail", joined.Kind);
    }

    [Fact]
    public async Task A_group_created_through_one_nodes_API_is_served_through_another()
    {
        await using var cluster = await TestCluster.StartAsync();
        var (a, c) = (TestCluster.BaseUrl(cluster.Nodes[0]!), TestCluster.BaseUrl(cluster.Nodes[2]!));
        using var http = TestCluster.AdminHttp();
        using var put = await http.PutAsync(a + "/galene-api/v0/.groups/workshop",
            new StringContent("""{"public": true}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var created = await http.PostAsync(a + "/galene-api/v0/.groups/workshop/.tokens/",
            new StringContent("""{"permissions": ["present"], "expires": "2099-01-01T00:00:00Z"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var (client, _) = await ClusterClient.JoinAsync(c, "workshop", "visitor", created.Headers.Location!.OriginalString);
        await using var v = client;

        using var gone = await http.DeleteAsync(a + "/galene-api/v0/.groups/workshop");
        Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        using var plain = new HttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync(c + "/group/workshop/.status")).StatusCode);
    }

    [Fact]
    public async Task Password_failures_counted_on_one_node_throttle_that_user_on_the_others()
    {
        // Three free failures per user, then a minute's wait; the pair limit is out of the way.
        const string config = """
            {"users": {"root": {"password": "rootpw", "permissions": "admin"}},
             "loginThrottle": {"userFreeFailures": 3, "pairFreeFailures": 100, "baseDelay": 60, "maxUserDelay": 600}}
            """;
        await using var cluster = await TestCluster.StartWithConfigAsync(config);
        var (a, b) = (TestCluster.BaseUrl(cluster.Nodes[0]!), TestCluster.BaseUrl(cluster.Nodes[1]!));
        using (var guesser = TestCluster.AdminHttp("guess"))
            for (var i = 0; i < 3; i++)
                Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync(a + "/galene-api/v0/.stats")).StatusCode);

        // The right password from an address node B has never seen: refused for the user's
        // failures on node A. Each try comes from a new address, so a success (which exempts its
        // own address) changes nothing for the next one.
        var next = 2;
        await Eventually.True(async () =>
        {
            using var fresh = TestCluster.AdminHttp(from: IPAddress.Parse($"127.0.0.{next++}"));
            return (await fresh.GetAsync(b + "/galene-api/v0/.stats")).StatusCode == HttpStatusCode.TooManyRequests;
        }, "node B throttles the user node A saw guessed");
    }

    [Fact]
    public async Task Stats_asked_of_any_node_cover_every_nodes_groups_once()
    {
        var names = Enumerable.Range(0, 6).Select(i => $"room{i}").ToArray();
        await using var cluster = await TestCluster.StartAsync(names);
        await using var members = await ClusterClient.JoinEachAsync(names, i => TestCluster.BaseUrl(cluster.Nodes[i % 3]!));
        var hosts = new Dictionary<string, string>();
        foreach (var name in names) hosts[name] = TestCluster.NodeId(await cluster.AwaitHostAsync(name));
        Assert.True(hosts.Values.Distinct().Count() > 1, "the groups should be on more than one node");

        using var http = TestCluster.AdminHttp();
        var stats = System.Text.Json.Nodes.JsonNode.Parse(
            await http.GetStringAsync(TestCluster.BaseUrl(cluster.Nodes[0]!) + "/galene-api/v0/.stats"))!.AsArray();
        Assert.Equal(names, stats.Select(g => (string)g!["name"]!));
        foreach (var entry in stats)
        {
            Assert.Equal(hosts[(string)entry!["name"]!], (string?)entry["node"]);
            Assert.Single(entry["clients"]!.AsArray());
        }
    }
}
