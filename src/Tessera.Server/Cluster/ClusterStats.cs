using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Tessera.Server.Cluster;

/// <summary>
/// <c>.stats</c> across the cluster, through Redis only (no node calls another over HTTP, so no
/// credential travels between nodes): the asking node publishes a request; every node answers on
/// the reply channel with the statistics of the groups it serves; the asker waits for one answer
/// per live node, at most <see cref="Patience"/>.
/// </summary>
public sealed class ClusterStats(RedisCluster cluster, Func<JsonArray> localSnapshot, ILogger<ClusterStats> logger) : IClusterStats
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);
    private static readonly RedisChannel Requests = RedisChannel.Literal(ClusterKeys.Prefix + "stats:ask");
    private static readonly RedisChannel Replies = RedisChannel.Literal(ClusterKeys.Prefix + "stats:reply");
    private readonly ConcurrentDictionary<string, Pending> _pending = new();

    private sealed record Pending(ConcurrentDictionary<string, JsonArray> Answers, TaskCompletionSource Done, int Expected);

    /// <summary>Answers other nodes' requests and collects the answers to this node's.</summary>
    public void Start()
    {
        cluster.Subscriber.Subscribe(Requests, (_, message) =>
        {
            var id = (string?)message;
            if (string.IsNullOrEmpty(id) || id.Length > 64) return;
            var body = new JsonObject { ["id"] = id, ["node"] = cluster.NodeId, ["groups"] = Mine() };
            cluster.Subscriber.Publish(Replies, body.ToJsonString(), CommandFlags.FireAndForget);
        });
        cluster.Subscriber.Subscribe(Replies, (_, message) =>
        {
            JsonObject? reply;
            try
            {
                reply = JsonNode.Parse((string)message!) as JsonObject;
            }
            catch (JsonException)
            {
                return;
            }
            if (reply?["id"]?.GetValue<string>() is not { } id || !_pending.TryGetValue(id, out var pending)) return;
            if (reply["node"]?.GetValue<string>() is not { } node || reply["groups"] is not JsonArray groups) return;
            pending.Answers[node] = (JsonArray)groups.DeepClone();
            if (pending.Answers.Count >= pending.Expected) pending.Done.TrySetResult();
        });
    }

    /// <summary>This node's entries: the groups it holds a lease on, marked with its name.</summary>
    private JsonArray Mine()
    {
        var hosted = cluster.HostedHere().ToHashSet(StringComparer.Ordinal);
        var mine = new JsonArray();
        foreach (var entry in localSnapshot().OfType<JsonObject>().ToList())
        {
            if (!hosted.Contains(entry["name"]?.GetValue<string>() ?? "")) continue;
            var copy = (JsonObject)entry.DeepClone();
            copy["node"] = cluster.NodeId;
            mine.Add(copy);
        }
        return mine;
    }

    public async Task<JsonArray> GatherAsync(CancellationToken cancellationToken)
    {
        var nodes = await cluster.NodesAsync(cancellationToken);
        var id = Guid.NewGuid().ToString("N");
        var pending = new Pending(new ConcurrentDictionary<string, JsonArray>(), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
                                  nodes.Count);
        _pending[id] = pending;
        try
        {
            await cluster.Subscriber.PublishAsync(Requests, id);
            await Task.WhenAny(pending.Done.Task, Task.Delay(Patience, cancellationToken));
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
        var silent = nodes.Select(n => n.Node).Where(n => !pending.Answers.ContainsKey(n)).ToList();
        if (silent.Count > 0) logger.LogWarning("cluster .stats: no answer from {Nodes}", string.Join(", ", silent));
        return new JsonArray([.. pending.Answers.Values.SelectMany(groups => groups.OfType<JsonObject>())
                                    .OrderBy(e => e["name"]?.GetValue<string>(), StringComparer.Ordinal)
                                    .Select(e => e.DeepClone())]);
    }
}
