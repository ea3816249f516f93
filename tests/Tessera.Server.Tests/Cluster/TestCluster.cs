using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Cluster;

/// <summary>
/// A Redis and three real <c>tessera</c> processes on loopback ports, each with its own data
/// folder (the same config.json, as configuration management would keep it) and one shared groups
/// folder. Everything is stopped by PID on dispose.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    /// <summary>
    /// The cluster tests run one at a time: each starts four processes, and a small machine that
    /// runs several at once spends its time starting them.
    /// </summary>
    public const string Collection = "cluster";

    public const string AdminUser = "root";
    public const string AdminPassword = "rootpw";
    private const string Config = """{"users": {"root": {"password": "rootpw", "permissions": "admin"}}, "writableGroups": true}""";

    private readonly string _root;

    private TestCluster(string root, RedisServer redis, ServerProcess?[] nodes)
    {
        _root = root;
        Redis = redis;
        Nodes = nodes;
    }

    public RedisServer Redis { get; }

    /// <summary>The nodes; a killed node's slot is null.</summary>
    public ServerProcess?[] Nodes { get; }

    public string GroupsDir => Path.Combine(_root, "groups");

    public IEnumerable<ServerProcess> Live => Nodes.OfType<ServerProcess>();

    public static Task<TestCluster> StartAsync(params string[] groups) => StartWithConfigAsync(Config, groups);

    /// <param name="config">The config.json every node gets (it must keep the administrator <see cref="AdminUser"/>).</param>
    public static async Task<TestCluster> StartWithConfigAsync(string config, params string[] groups)
    {
        var root = Directory.CreateTempSubdirectory("tessera-cluster-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "groups"));
        foreach (var g in groups) WriteGroup(root, g);
        var redis = await RedisServer.StartAsync();
        var nodes = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => StartNodeAsync(root, i, redis.Url, config)));
        return new TestCluster(root, redis, nodes);
    }

    /// <summary>A public group anyone may join with any name, and chat in.</summary>
    public void AddGroup(string name) => WriteGroup(_root, name);

    private static void WriteGroup(string root, string name) =>
        File.WriteAllText(Path.Combine(root, "groups", name + ".json"),
                          """{"public": true, "wildcard-user": {"password": "", "permissions": "present"}}""");

    private static Task<ServerProcess> StartNodeAsync(string root, int i, string redisUrl, string config)
    {
        var data = Path.Combine(root, "data" + i);
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "config.json"), config);
        return ServerProcess.StartAsync("--insecure", "--http", "127.0.0.1:{port}", "--data", data, "--groups", Path.Combine(root, "groups"),
                                        "--redis", redisUrl, "--public-url", "http://127.0.0.1:{port}");
    }

    public static string BaseUrl(ServerProcess node) => $"http://127.0.0.1:{node.Port}";

    public static string NodeId(ServerProcess node) => $"127.0.0.1:{node.Port}";

    public async Task KillAsync(ServerProcess node)
    {
        await node.KillAsync();
        Nodes[Array.IndexOf(Nodes, node)] = null;
    }

    /// <summary>The node's answer to <c>/galene-api/v0/.cluster</c> (as an administrator).</summary>
    public static async Task<JsonObject> ViewAsync(ServerProcess node)
    {
        using var http = AdminHttp();
        return await ClusterView.ReadAsync(http, BaseUrl(node));
    }

    /// <summary>The groups the node holds a valid lease on, by its own account.</summary>
    public static async Task<IReadOnlyList<string>> HostingAsync(ServerProcess node)
    {
        using var http = AdminHttp();
        return await ClusterView.HostingAsync(http, BaseUrl(node));
    }

    /// <summary>The node that serves <paramref name="group"/>, once one says so (a lease adopted at a join shows at once, but a busy machine may be slower).</summary>
    public async Task<ServerProcess> AwaitHostAsync(string group) =>
        (await Eventually.Value<ServerProcess?>(() => HostOfAsync(group), h => h is not null, $"a node serving {group}"))!;

    /// <summary>The live node that serves <paramref name="group"/> by its own account; fails if two claim it.</summary>
    public async Task<ServerProcess?> HostOfAsync(string group)
    {
        using var http = AdminHttp();
        var live = Live.ToList();
        var host = await ClusterView.HostOfAsync(http, live.Select(BaseUrl), group);
        return live.SingleOrDefault(n => BaseUrl(n) == host);
    }

    /// <param name="from">A loopback source address other than 127.0.0.1, to play another machine.</param>
    public static HttpClient AdminHttp(string password = AdminPassword, System.Net.IPAddress? from = null) =>
        ClusterView.AdminHttp(AdminUser, password, from);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Live)
        {
            if (OperatingSystem.IsLinux()) node.Signal(18); // SIGCONT, in case a test left it stopped
            await node.DisposeAsync();
        }
        await Redis.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
