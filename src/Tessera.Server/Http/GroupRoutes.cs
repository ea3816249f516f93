using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Protocol;
using Tessera.Protocol.Config;
using Tessera.Protocol.Descriptions;
using Tessera.Protocol.Groups;

namespace Tessera.Server.Http;

/// <summary>The group page, <c>.status</c> and <c>.status.json</c> (http.md §6.2, §7.1); <c>.whip</c> goes to <see cref="Whip.WhipEndpoint"/>.</summary>
/// <remarks>In cluster mode every node serves the page, and <c>.status</c> names the endpoint of the node that hosts the group.</remarks>
public sealed class GroupRoutes(GroupRegistry registry, StaticFiles statics, Whip.WhipEndpoint whip, Cluster.IClusterDirectory? cluster = null)
{
    public async Task HandleAsync(HttpContext context)
    {
        var path = GroupPath.Parse(context.Request.Path.Value ?? "");
        if (path is null || path.Name == "" || path.Name.StartsWith('.'))
        {
            await HttpErrors.NotFound(context, statics.Root);
            return;
        }
        // The page and the status are read-only; .whip decides its own methods.
        if (path.Suffix is null or ".status" or ".status.json" && await HttpErrors.RefusedUnlessRead(context)) return;
        switch (path.Suffix)
        {
            case null: break;
            case ".status" when path.Rest is "" or null: await StatusAsync(context, path.Name); return;
            case ".whip" when !(path.Rest ?? "").Contains('/'):
                await whip.HandleAsync(context, path.Name, path.Rest ?? "");
                return;
            case ".status.json" when path.Rest is "" or null:
                HttpErrors.Redirect(context, StatusCodes.Status308PermanentRedirect, path.CanonicalPageUrlPath + ".status");
                return;
            default:
                await HttpErrors.NotFound(context, statics.Root);
                return;
        }

        var access = registry.Open(path.Name);
        switch (access.Lookup.Status)
        {
            case LookupStatus.NotFound: await HttpErrors.NotFound(context, statics.Root); return;
            case LookupStatus.IllegalName or LookupStatus.Unreadable: await HttpErrors.InternalError(context); return;
        }
        if (context.Request.Path.Value != path.CanonicalPagePath)
        {
            HttpErrors.Redirect(context, StatusCodes.Status308PermanentRedirect, path.CanonicalPageUrlPath + context.Request.QueryString);
            return;
        }
        var description = access.Lookup.Description!;
        if (!string.IsNullOrEmpty(description.Redirect))
        {
            HttpErrors.Redirect(context, StatusCodes.Status308PermanentRedirect, description.Redirect);
            return;
        }
        var page = Path.Combine(statics.Root, "galene.html");
        if (!File.Exists(page))
        {
            await HttpErrors.NotFound(context, statics.Root);
            return;
        }
        var delegation = Delegation.For(description, registry.Config.TryGet(out _));
        SecurityHeaders.Apply(context.Response, delegation.AuthServer);
        await StaticFiles.Serve(context, page);
    }

    private async Task StatusAsync(HttpContext context, string name)
    {
        var access = registry.Open(name);
        switch (access.Lookup.Status)
        {
            case LookupStatus.NotFound: await HttpErrors.NotFound(context, statics.Root); return;
            case LookupStatus.IllegalName or LookupStatus.Unreadable: await HttpErrors.InternalError(context); return;
        }
        var config = registry.Config.TryGet(out _);
        var baseUrl = config is null ? null : BaseUrl.For(context.Request, config.ProxyUrl);
        if (baseUrl is null)
        {
            await HttpErrors.InternalError(context);
            return;
        }
        Cluster.GroupHost? host = null;
        if (cluster is not null && string.IsNullOrEmpty(access.Lookup.Description!.Redirect))
        {
            host = await cluster.HostAsync(name, context.RequestAborted);
            if (host is null)
            {
                await HttpErrors.Text(context, StatusCodes.Status503ServiceUnavailable, "the cluster cannot place this group now; try again\n");
                return;
            }
        }
        await WriteJson(context, StatusOf(name, access, config!, baseUrl, host, cluster?.NodeId));
    }

    /// <param name="host">In cluster mode, the node that serves the group (null: none yet, so this node's endpoint).</param>
    /// <param name="self">In cluster mode, this node's name: the member count of a group served elsewhere is its host's.</param>
    public static JsonObject StatusOf(string name, GroupAccess access, ServerConfig config, BaseUrl baseUrl,
                                      Cluster.GroupHost? host = null, string? self = null)
    {
        var group = access.Group!;
        int count;
        bool locked;
        lock (group.Gate)
        {
            count = group.Count;
            locked = group.Locked;
        }
        if (host is not null && host.Node != self) count = host.Members;
        return GroupStatus.ForHttp(name, access.Lookup.Description!, config, baseUrl.GroupLocation(name),
                                   host?.WebSocketEndpoint ?? baseUrl.WebSocketEndpoint(), count, locked);
    }

    public static async Task WriteJson(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-cache";
        if (HttpMethods.IsHead(context.Request.Method)) return;
        await context.Response.WriteAsync(body.ToJsonString(JsonOptions) + "\n");
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
