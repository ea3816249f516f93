using System.Text.Json.Nodes;
using Tessera.Protocol.Groups;

namespace Tessera.Server.Http;

/// <summary>
/// <c>/public-groups.json</c> (http.md §7.2). Computed from the files at each request (their
/// parsed form is cached by modification time), so a new public group shows up at once
/// instead of after Galène's 15-minute sweep.
/// </summary>
/// <remarks>In cluster mode each group shows its host's endpoint and member count (groups nobody hosts: this node's, and 0).</remarks>
public sealed class PublicGroups(GroupRegistry registry, Cluster.IClusterDirectory? cluster = null)
{
    public async Task HandleAsync(HttpContext context)
    {
        if (await HttpErrors.RefusedUnlessRead(context)) return;
        var config = registry.Config.TryGet(out _);
        var baseUrl = config is null ? null : BaseUrl.For(context.Request, config.ProxyUrl);
        if (baseUrl is null)
        {
            await HttpErrors.InternalError(context);
            return;
        }
        var shown = new List<(string Name, GroupAccess Access)>();
        foreach (var name in registry.Descriptions.ListFileGroups())
        {
            var lookup = registry.Descriptions.Lookup(name);
            if (!lookup.Found || !lookup.Description!.Public) continue;
            var access = registry.Open(name);
            if (access.Group is not null) shown.Add((name, access));
        }
        // One lookup per group, all in flight at once (the client pipelines them to Redis).
        var hosts = cluster is null
            ? new Cluster.GroupHost?[shown.Count]
            : await Task.WhenAll(shown.Select(g => cluster.CurrentHostAsync(g.Name, context.RequestAborted)));
        var list = new JsonArray();
        for (var i = 0; i < shown.Count; i++)
        {
            var status = GroupRoutes.StatusOf(shown[i].Name, shown[i].Access, config!, baseUrl, hosts[i], cluster?.NodeId);
            if (hosts[i] is { } host) status["node"] = host.Node;
            else if (cluster is not null) status["clientCount"] = 0;
            list.Add(status);
        }
        await GroupRoutes.WriteJson(context, list);
    }
}
