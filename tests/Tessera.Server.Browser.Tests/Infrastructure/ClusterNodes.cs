namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// A Redis of the test's own and three real <c>tessera</c> nodes in cluster mode on loopback
/// ports, sharing one groups directory; each node has an administrator (for <see cref="ClusterView"/>).
/// Disposing stops every process by its PID and removes the directories.
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    const string AdminUser = "root";
    const string AdminPassword = "rootpw";
    const string Config = """{"users": {"root": {"password": "rootpw", "permissions": "admin"}}}""";

    readonly RedisServer redis;
    readonly string groupsDirectory;
    readonly List<TesseraProcess> live;

    ClusterNodes(RedisServer redis, string groupsDirectory, IEnumerable<TesseraProcess> nodes)
    {
        this.redis = redis;
        this.groupsDirectory = groupsDirectory;
        live = [.. nodes];
    }

    /// <summary>The nodes not killed.</summary>
    public IReadOnlyList<TesseraProcess> Live => live;

    /// <param name="groups">Group name → description, written once into the shared directory.</param>
    public static async Task<ClusterNodes> StartAsync(IReadOnlyDictionary<string, string> groups)
    {
        var groupsDirectory = Directory.CreateTempSubdirectory("tessera-browser-cluster-").FullName;
        foreach (var (name, json) in groups) await File.WriteAllTextAsync(Path.Combine(groupsDirectory, name + ".json"), json);
        var redis = await RedisServer.StartAsync();
        var nodes = new List<TesseraProcess>();
        try
        {
            foreach (var port in Enumerable.Range(0, 3).Select(_ => FreePort.Find()).ToList())
            {
                var placement = new TesseraProcess.ServerPlacement { GroupsDirectory = groupsDirectory };
                placement = placement with
                {
                    Arguments = [.. placement.Arguments, "--redis", redis.Url, "--public-url", $"http://127.0.0.1:{port}"],
                };
                nodes.Add(await TesseraProcess.StartAsync(new Dictionary<string, string>(), placement, port, Config));
            }
            await AwaitOriginsKnownAsync(nodes);
            return new ClusterNodes(redis, groupsDirectory, nodes);
        }
        catch
        {
            await new ClusterNodes(redis, groupsDirectory, nodes).DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Every node accepts WebSockets from pages of every other node: each learns the others'
    /// origins from its heartbeat, so a page loaded from one node can join on another.
    /// </summary>
    static async Task AwaitOriginsKnownAsync(IReadOnlyList<TesseraProcess> nodes)
    {
        foreach (var node in nodes)
            foreach (var page in nodes.Where(n => n != node))
                await Eventually.True(async () =>
                {
                    using var socket = new System.Net.WebSockets.ClientWebSocket();
                    socket.Options.SetRequestHeader("Origin", page.BaseUrl);
                    try
                    {
                        await socket.ConnectAsync(new Uri(node.BaseUrl.Replace("http://", "ws://") + "/ws"), default);
                    }
                    catch (System.Net.WebSockets.WebSocketException)
                    {
                        return false;
                    }
                    await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, default);
                    return true;
                }, $"{node.BaseUrl} to accept pages of {page.BaseUrl}");
    }

    /// <summary>Kills a node without warning (kill -9): its leases are left to expire.</summary>
    public async Task KillAsync(TesseraProcess node)
    {
        live.Remove(node);
        await node.DisposeAsync();
    }

    /// <summary>The live node that serves <paramref name="group"/> by its own account, or null; fails if two claim it.</summary>
    public async Task<TesseraProcess?> HostOfAsync(string group)
    {
        using var admin = ClusterView.AdminHttp(AdminUser, AdminPassword);
        var host = await ClusterView.HostOfAsync(admin, live.Select(n => n.BaseUrl), group);
        return live.SingleOrDefault(n => n.BaseUrl == host);
    }

    /// <summary>The node serving <paramref name="group"/>, once one says so (a node adopts a lease within its next tick at the latest).</summary>
    public async Task<TesseraProcess> AwaitHostAsync(string group) =>
        (await Eventually.Value<TesseraProcess?>(() => HostOfAsync(group), h => h is not null, $"a node serving {group}"))!;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in live) await node.DisposeAsync();
        await redis.DisposeAsync();
        try
        {
            Directory.Delete(groupsDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
