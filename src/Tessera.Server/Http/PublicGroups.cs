using System.Text.Json.Nodes;
using Tessera.Protocol.Groups;

namespace Tessera.Server.Http;

/// <summary>
/// <c>/public-groups.json</c> (http.md §7.2). Computed from the files at each request (their
/// parsed form is cached by modification time), so a new public group shows up at once
/// instead of after Galène's 15-minute sweep.
/// </summary>
public sealed class PublicGroups(GroupRegistry registry)
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
        var list = new JsonArray();
        foreach (var name in registry.Descriptions.ListFileGroups())
        {
            var lookup = registry.Descriptions.Lookup(name);
            if (!lookup.Found || !lookup.Description!.Public) continue;
            var access = registry.Open(name);
            if (access.Group is null) continue;
            list.Add(GroupRoutes.StatusOf(name, access, config!, baseUrl));
        }
        await GroupRoutes.WriteJson(context, list);
    }
}
