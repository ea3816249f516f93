using Tessera.Protocol.Descriptions;
using Tessera.Protocol.Groups;
using Tessera.Server.Http;

namespace Tessera.Server.Admin;

/// <summary>
/// <c>/galene-api/v0/…</c>, Galène's administrative API (http.md §10): routes by path, answers CORS
/// and method errors, authenticates (<see cref="AdminGate"/>) and hands each resource to its own
/// type. Every refusal is logged with its reason and every write with who made it; neither ever
/// includes a password or token.
/// </summary>
public sealed class AdminApi(GroupRegistry registry, AdminGate gate, GroupResource groups, UserResource users,
                             TokenResource tokens, KeysResource keys, StatsResource stats, StaticFiles statics,
                             ClusterResource cluster, Monitoring.ServerMetrics metrics, ILogger<AdminApi> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var path = AdminPath.Parse(context.Request.Path.Value ?? "");
        if (path.Resource == AdminResource.None)
        {
            await HttpErrors.Text(context, StatusCodes.Status404NotFound, "404 page not found");
            return;
        }
        // A name the group-name rule refuses ("a//b", "/etc/x") names no file: it must never reach a path.
        if (!path.IsServerWide && !Tessera.Auth.GroupNames.IsValid(path.Group))
        {
            await HttpErrors.Text(context, StatusCodes.Status404NotFound, "404 page not found");
            return;
        }
        var config = registry.Config.TryGet(out _);
        var origin = context.Request.Headers.Origin.ToString();
        if (origin != "")
        {
            context.Response.Headers.Vary = "Origin";
            if (OriginCheck.Allowed(context.Request, config?.AllowAdminOrigin, config is not null))
                context.Response.Headers.AccessControlAllowOrigin = origin;
            else
                logger.LogInformation("admin API: origin {Origin} is not in allowAdminOrigin; the browser will refuse the answer", origin);
        }

        var methods = Methods(path.Resource);
        var method = context.Request.Method;
        if (HttpMethods.IsOptions(method))
        {
            context.Response.Headers.AccessControlAllowMethods = "OPTIONS, " + methods;
            context.Response.Headers.AccessControlAllowHeaders = "Authorization, Content-Type, If-Match, If-None-Match";
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }
        if (!methods.Split(", ").Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            await HttpErrors.MethodNotAllowed(context, methods);
            return;
        }

        var address = context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None;
        var credentials = AdminCredentials.From(context.Request);
        var lookup = path.IsServerWide ? null : registry.Descriptions.Lookup(path.Group);
        var description = lookup is { Found: true, IsAutoSubgroup: false } ? lookup.Description : null;
        var passwordOwner = path is { Resource: AdminResource.Password, Slot: UserSlot.Named } ? path.Username : null;
        var decision = path.IsServerWide
            ? await gate.ServerWideAsync(credentials, config, address)
            : await gate.GroupAsync(credentials, path.Group, description, config, address, passwordOwner);
        var where = $"{method} {context.Request.Path.Value}";
        if (!decision.Allowed)
        {
            logger.Log(decision.RetryAfter > TimeSpan.Zero ? LogLevel.Debug : LogLevel.Information,
                       "admin API {Request} from {Address} refused: {Reason}", where, address, decision.Refusal);
            if (decision.RetryAfter > TimeSpan.Zero)
            {
                metrics.ApiThrottled();
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(decision.RetryAfter.TotalSeconds)).ToString();
                await HttpErrors.Text(context, StatusCodes.Status429TooManyRequests, "too many failed attempts; try again later");
                return;
            }
            context.Response.Headers.WWWAuthenticate = "basic realm=\"/galene-api/\"";
            await HttpErrors.Text(context, StatusCodes.Status401Unauthorized, "Haha!");
            return;
        }

        try
        {
            if (!path.IsServerWide && path.Resource != AdminResource.Group && description is null)
                throw GroupResource.NotFound();
            var writable = config?.WritableGroups == true;
            await (path.Resource switch
            {
                AdminResource.Stats => stats.HandleAsync(context),
                AdminResource.GroupList => groups.ListAsync(context),
                AdminResource.Group => groups.HandleAsync(context, path, writable),
                AdminResource.UserList => users.ListAsync(context, path),
                AdminResource.User => users.HandleAsync(context, path, writable),
                AdminResource.Password => users.PasswordAsync(context, path, writable),
                AdminResource.TokenList => tokens.ListAsync(context, path),
                AdminResource.Token => tokens.HandleAsync(context, path),
                AdminResource.Keys => keys.HandleAsync(context, path, writable),
                AdminResource.Cluster => cluster.ViewAsync(context),
                AdminResource.ClusterDrain => cluster.DrainAsync(context, path.Node),
                _ => throw GroupResource.NotFound(),
            });
            if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
                logger.LogInformation("admin API {Request} by {Who} from {Address}: {Status}", where, decision.Who, address,
                                      context.Response.StatusCode);
        }
        catch (Exception e) when (e is AdminRequestException or GroupEditException)
        {
            var status = e is AdminRequestException a ? a.Status : ((GroupEditException)e).Status;
            if (status != StatusCodes.Status404NotFound && status != StatusCodes.Status412PreconditionFailed)
                logger.LogInformation("admin API {Request} by {Who} from {Address} refused ({Status}): {Reason}",
                                      where, decision.Who, address, status, e.Message);
            if (e is AdminRequestException { Accept: { } accept }) context.Response.Headers.Accept = accept;
            if (status == StatusCodes.Status412PreconditionFailed) context.Response.StatusCode = status;
            else if (status == StatusCodes.Status404NotFound && e is GroupEditException) await HttpErrors.NotFound(context, statics.Root);
            else if (status == StatusCodes.Status401Unauthorized) await HttpErrors.Text(context, status, "not authorised");
            else await HttpErrors.Text(context, status, e.Message);
        }
    }

    /// <summary>http.md §10.5: these writes need <c>writableGroups</c> in config.json; refused with 401, as in Galène.</summary>
    public static void RequireWritable(bool writable)
    {
        if (!writable)
            throw new AdminRequestException(StatusCodes.Status401Unauthorized, "writableGroups is not set in config.json");
    }

    private static string Methods(AdminResource resource) => resource switch
    {
        AdminResource.Stats or AdminResource.GroupList or AdminResource.UserList or AdminResource.Cluster => "GET, HEAD",
        AdminResource.ClusterDrain => "POST",
        AdminResource.Group or AdminResource.User or AdminResource.Token => "GET, HEAD, PUT, DELETE",
        AdminResource.Password => "PUT, POST, DELETE",
        AdminResource.TokenList => "GET, HEAD, POST",
        AdminResource.Keys => "GET, HEAD, PUT, DELETE",
        _ => "GET, HEAD, PUT, POST, DELETE",
    };
}
