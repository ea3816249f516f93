using System.Text.Json.Nodes;
using Tessera.Server.Cluster;

namespace Tessera.Server.Admin;

/// <summary>
/// <c>.cluster</c> (the live nodes with their load, and the groups this node holds a lease on)
/// and <c>.cluster/NODE/.drain</c>. Tessera's own routes; 404 on a single server.
/// </summary>
public sealed class ClusterResource(IClusterDirectory? cluster = null)
{
    public async Task ViewAsync(HttpContext context)
    {
        var directory = Require();
        var nodes = await Unavailable(() => directory.NodesAsync(context.RequestAborted));
        var body = new JsonObject
        {
            ["self"] = new JsonObject
            {
                ["node"] = directory.NodeId,
                ["hosting"] = new JsonArray([.. directory.HostedHere().Select(g => (JsonNode)g)]),
            },
            ["nodes"] = new JsonArray([.. nodes.Select(n => (JsonNode)new JsonObject
            {
                ["node"] = n.Node, ["url"] = n.PublicUrl, ["load"] = Math.Round(n.Load, 2), ["clients"] = n.Clients,
                ["groups"] = n.Groups, ["forwardedMbps"] = Math.Round(n.ForwardedMbps, 2), ["cpuPercent"] = Math.Round(n.CpuPercent, 1),
                ["draining"] = n.Draining,
            })]),
        };
        context.Response.Headers.CacheControl = "no-cache";
        await AdminHttp.WriteJsonAsync(context, body);
    }

    public async Task DrainAsync(HttpContext context, string node)
    {
        if (!await Unavailable(() => Require().DrainAsync(node, context.RequestAborted)))
            throw new AdminRequestException(StatusCodes.Status404NotFound, $"no live node is called {node}");
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task<T> Unavailable<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ClusterUnavailableException e)
        {
            throw new AdminRequestException(StatusCodes.Status503ServiceUnavailable, e.Message);
        }
    }

    private IClusterDirectory Require() =>
        cluster ?? throw new AdminRequestException(StatusCodes.Status404NotFound, "this server is not part of a cluster (no --redis)");
}
