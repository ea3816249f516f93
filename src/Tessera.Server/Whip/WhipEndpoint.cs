using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Tessera.Media.Sdp;
using Tessera.Protocol.Descriptions;
using Tessera.Protocol.Groups;
using Tessera.Server.Http;

namespace Tessera.Server.Whip;

/// <summary>
/// WHIP ingest (RFC 9725, http.md §12): <c>POST /group/&lt;g&gt;/.whip</c> creates a session,
/// <c>PATCH</c> on its resource trickles candidates or restarts ICE, <c>DELETE</c> ends it.
/// Every answer carries the CORS headers of http.md §8; every refusal says why in plain text.
/// </summary>
public sealed class WhipEndpoint(GroupRegistry registry, WhipSessions sessions, StaticFiles statics, ILogger<WhipEndpoint> logger,
                                 Cluster.IClusterDirectory? cluster = null)
{
    /// <summary>An offer is a few kilobytes; this leaves room for hundreds of candidates and codecs.</summary>
    public const int MaxOfferBytes = 256 * 1024;

    /// <summary>A trickle fragment carries a few candidates.</summary>
    public const int MaxFragmentBytes = 64 * 1024;

    public const string SdpMediaType = "application/sdp";

    /// <param name="rest">What follows <c>.whip</c>: empty for the endpoint, the resource id for a session.</param>
    public Task HandleAsync(HttpContext context, string group, string rest)
    {
        AddCors(context);
        return rest == "" ? EndpointAsync(context, group) : ResourceAsync(context, group, rest);
    }

    private async Task EndpointAsync(HttpContext context, string group)
    {
        var method = context.Request.Method;
        if (!HttpMethods.IsPost(method) && !HttpMethods.IsOptions(method))
        {
            await HttpErrors.MethodNotAllowed(context, "POST");
            return;
        }
        var access = registry.Open(group);
        switch (access.Lookup.Status)
        {
            case LookupStatus.NotFound or LookupStatus.IllegalName: await HttpErrors.NotFound(context, statics.Root); return;
            case LookupStatus.Unreadable: await HttpErrors.InternalError(context); return;
        }
        AddLinks(context);
        if (HttpMethods.IsOptions(method))
        {
            // A preflight carries no credentials: it is answered before any authentication.
            context.Response.Headers.AccessControlAllowMethods = "OPTIONS, POST";
            context.Response.Headers.AccessControlAllowHeaders = "Authorization, Content-Type";
            return;
        }
        if (!IsSdp(context.Request.ContentType))
        {
            context.Response.Headers.Accept = SdpMediaType;
            await HttpErrors.Text(context, StatusCodes.Status415UnsupportedMediaType,
                $"a WHIP offer must be sent as {SdpMediaType} (got {(string.IsNullOrEmpty(context.Request.ContentType) ? "no Content-Type" : context.Request.ContentType)})");
            return;
        }
        if (!TryBearerToken(context, out var token))
        {
            await Unauthorised(context, "only bearer tokens are accepted (Authorization: Bearer <token>)");
            return;
        }
        if (await ServedElsewhereAsync(context, access.Group!.Name)) return;
        var offer = await ReadBodyAsync(context, MaxOfferBytes);
        if (offer is null) return;
        // Read before joining, so that garbage never shows up in the group, even briefly.
        try
        {
            RemoteTransport.From(SessionDescription.Parse(offer));
        }
        catch (SdpFormatException e)
        {
            await HttpErrors.Text(context, StatusCodes.Status400BadRequest, "unreadable SDP offer: " + e.Message);
            return;
        }

        var address = context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None;
        var session = sessions.TryCreate(access.Group!.Name, token, address,
                                         $"{address}:{context.Connection.RemotePort}", out var refusal);
        if (session is null)
        {
            await HttpErrors.Text(context, StatusCodes.Status429TooManyRequests, refusal!);
            return;
        }
        WhipOutcome outcome;
        try
        {
            outcome = await session.StartAsync(offer, context.RequestAborted);
        }
        catch
        {
            sessions.End(session);
            throw;
        }
        if (!outcome.Succeeded)
        {
            sessions.End(session);
            if (outcome.Status == StatusCodes.Status401Unauthorized)
                await Unauthorised(context, outcome.Text!);
            else
                await HttpErrors.Text(context, outcome.Status, outcome.Text!);
            return;
        }
        sessions.Started(session);
        logger.LogInformation("WHIP session in {Group} from {Address} as {User}", session.GroupName, session.RemoteAddress, session.Member.Username);
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.ContentType = SdpMediaType;
        context.Response.Headers.Location = $"{Http.GroupPath.PageUrlPath(session.GroupName)}.whip/{session.ResourceId}";
        context.Response.Headers.ETag = session.ETag;
        context.Response.Headers.AccessControlExposeHeaders = "Location, Content-Type, Link, ETag";
        await context.Response.WriteAsync(outcome.AnswerSdp!);
    }

    /// <summary>
    /// In a cluster, an offer for a group another node serves (placed now if nobody did) is sent
    /// there with 307, which keeps the method and the body (RFC 9725 allows redirecting the offer): an encoder
    /// configured with any node's URL ends up at the host. Read before the body, which the client
    /// sends again. Where the host cannot be learnt, the join below decides as for any client.
    /// </summary>
    private async Task<bool> ServedElsewhereAsync(HttpContext context, string group)
    {
        if (cluster is null || await cluster.HostAsync(group, context.RequestAborted) is not { } host || host.Node == cluster.NodeId)
            return false;
        context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        context.Response.Headers.Location = $"{host.PublicUrl}{Http.GroupPath.PageUrlPath(group)}.whip";
        context.Response.Headers.AccessControlExposeHeaders = "Location";
        await context.Response.WriteAsync($"group {group} is served by {host.PublicUrl}; publish there\n");
        return true;
    }

    private async Task ResourceAsync(HttpContext context, string group, string resourceId)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsOptions(method))
        {
            context.Response.Headers.AccessControlAllowMethods = "OPTIONS, DELETE, PATCH";
            context.Response.Headers.AccessControlAllowHeaders = "Authorization, Content-Type, If-Match, If-None-Match";
            context.Response.Headers.AccessControlExposeHeaders = "Content-Type, ETag";
            return;
        }
        if (!HttpMethods.IsPatch(method) && !HttpMethods.IsDelete(method))
        {
            await HttpErrors.MethodNotAllowed(context, "DELETE, PATCH");
            return;
        }
        var session = sessions.Find(group, resourceId);
        if (session is null)
        {
            await HttpErrors.NotFound(context, statics.Root);
            return;
        }
        if (!TryBearerToken(context, out var token) || !SameToken(session.BearerToken, token))
        {
            await HttpErrors.Text(context, StatusCodes.Status403Forbidden,
                "this WHIP session was created with a bearer token; send the same token");
            return;
        }
        if (!PreconditionsHold(context.Request, session.ETag))
        {
            await HttpErrors.Text(context, StatusCodes.Status412PreconditionFailed,
                $"precondition failed: the session's entity tag is {session.ETag}");
            return;
        }
        if (HttpMethods.IsDelete(method))
        {
            sessions.End(session);
            logger.LogInformation("WHIP session in {Group} from {Address} ended by DELETE", session.GroupName, session.RemoteAddress);
            return;
        }
        if (!IsMediaType(context.Request.ContentType, TrickleFragment.MediaType))
        {
            context.Response.Headers.Accept = TrickleFragment.MediaType;
            await HttpErrors.Text(context, StatusCodes.Status415UnsupportedMediaType,
                $"a WHIP PATCH must be sent as {TrickleFragment.MediaType}");
            return;
        }
        var body = await ReadBodyAsync(context, MaxFragmentBytes);
        if (body is null) return;
        TrickleFragment fragment;
        try
        {
            fragment = TrickleFragment.Parse(body);
        }
        catch (SdpFormatException e)
        {
            await HttpErrors.Text(context, StatusCodes.Status400BadRequest, "unreadable SDP fragment: " + e.Message);
            return;
        }
        if (!fragment.IsRestart(session.RemoteUfrag))
        {
            // Our side is ICE-lite: it learns the encoder's addresses from its checks, so trickled
            // candidates are read (to refuse malformed ones) and need nothing more.
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        var outcome = await session.RestartIceAsync(fragment.IceUfrag!, fragment.IcePassword!, context.RequestAborted);
        if (!outcome.Succeeded)
        {
            await HttpErrors.Text(context, outcome.Status, outcome.Text!);
            return;
        }
        context.Response.ContentType = TrickleFragment.MediaType;
        context.Response.Headers.ETag = session.ETag;
        context.Response.Headers.AccessControlExposeHeaders = "Content-Type, ETag";
        await context.Response.WriteAsync(TrickleFragment.AnswerFrom(outcome.AnswerSdp!));
    }

    /// <summary>http.md §8: <c>Vary: Origin</c> always, the origin echoed when allowed; never refused here.</summary>
    private void AddCors(HttpContext context)
    {
        context.Response.Headers.Vary = "Origin";
        var config = registry.Config.TryGet(out _);
        var origin = context.Request.Headers.Origin.ToString();
        if (origin != "" && OriginCheck.Allowed(context.Request, config?.AllowOrigin, configReadable: config is not null))
            context.Response.Headers.AccessControlAllowOrigin = origin;
    }

    private void AddLinks(HttpContext context)
    {
        var links = IceServerLinks.From(registry.IceServers.RtcConfiguration());
        if (links.Count > 0) context.Response.Headers.Link = links.ToArray();
        context.Response.Headers.AccessControlExposeHeaders = "Link";
    }

    /// <summary><c>application/sdp</c>, case-insensitively, with or without parameters (a charset, say).</summary>
    private static bool IsSdp(string? contentType) => IsMediaType(contentType, SdpMediaType);

    private static bool IsMediaType(string? contentType, string expected) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType, expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>No Authorization header: true with no token; a bearer token: true with it; any other scheme: false.</summary>
    private static bool TryBearerToken(HttpContext context, out string? token)
    {
        token = null;
        var header = context.Request.Headers.Authorization.ToString();
        if (header == "") return true;
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        token = header["Bearer ".Length..].Trim();
        return token != "";
    }

    private static bool SameToken(string? expected, string? presented)
    {
        if (expected is null) return true; // created without a token: anyone who knows the resource id
        if (presented is null) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
    }

    /// <summary>If-Match and If-None-Match against the session's entity tag (RFC 9110 §13.1.1–2).</summary>
    private static bool PreconditionsHold(HttpRequest request, string etag)
    {
        static bool Matches(string header, string etag) =>
            header.Split(',').Select(t => t.Trim()).Any(t => t == "*" || t == etag || t == "W/" + etag);
        var ifMatch = request.Headers.IfMatch.ToString();
        if (ifMatch != "" && !Matches(ifMatch, etag)) return false;
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        return ifNoneMatch == "" || !Matches(ifNoneMatch, etag);
    }

    private static Task Unauthorised(HttpContext context, string text)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return HttpErrors.Text(context, StatusCodes.Status401Unauthorized, text);
    }

    /// <summary>The body as text, or null after answering 413 when it is longer than <paramref name="limit"/>.</summary>
    private static async Task<string?> ReadBodyAsync(HttpContext context, int limit)
    {
        if (context.Request.ContentLength > limit)
        {
            await HttpErrors.Text(context, StatusCodes.Status413PayloadTooLarge, $"body too large (at most {limit} bytes)");
            return null;
        }
        using var body = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (body.Length + read > limit)
            {
                await HttpErrors.Text(context, StatusCodes.Status413PayloadTooLarge, $"body too large (at most {limit} bytes)");
                return null;
            }
            body.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
    }
}
