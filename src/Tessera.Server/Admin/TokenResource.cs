using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Tokens;

namespace Tessera.Server.Admin;

/// <summary>
/// Stateful tokens of one group, or the global ones when the group is <c>""</c> (http.md §10.3, §10.4).
/// Every token shares the store's entity tag; a token that does not exist has none, so
/// <c>If-None-Match: *</c> creates and a stale <c>If-Match</c> fails. The store re-checks the tag
/// under its own lock, so of two writers holding the same tag exactly one succeeds.
/// </summary>
public sealed class TokenResource(ITokenStore store)
{
    public async Task ListAsync(HttpContext context, AdminPath path)
    {
        if (HttpMethods.IsPost(context.Request.Method))
        {
            var body = await AdminHttp.ReadObjectAsync(context);
            var token = FromBody(body, TokenStrings.New(), path.Group);
            try
            {
                store.Create(token);
            }
            catch (IOException e)
            {
                throw new AdminRequestException(StatusCodes.Status500InternalServerError, "token store: " + e.Message);
            }
            context.Response.Headers.Location = token.Token;
            context.Response.StatusCode = StatusCodes.Status201Created;
            return;
        }
        var tag = store.ETag;
        var names = store.List(path.Group).Select(t => JsonValue.Create(t.Token));
        await AdminHttp.WriteJsonAsync(context, new JsonArray([.. names]), tag);
    }

    public async Task HandleAsync(HttpContext context, AdminPath path)
    {
        var method = context.Request.Method;
        var existing = store.Get(path.Token, out var storeTag);
        if (existing is not null && existing.Group != path.Group)
        {
            if (HttpMethods.IsPut(method))
                throw new AdminRequestException(StatusCodes.Status409Conflict, "token exists in different group");
            throw new AdminRequestException(StatusCodes.Status404NotFound, "404 page not found");
        }
        var tag = existing is null ? null : storeTag;
        if (AdminHttp.Precondition(context.Request, tag) is { } status)
        {
            context.Response.StatusCode = status is StatusCodes.Status304NotModified ? status : StatusCodes.Status412PreconditionFailed;
            return;
        }

        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            if (existing is null) throw GroupResource.NotFound();
            var shown = JsonNode.Parse(StatefulTokenJson.ToJson(existing with { Token = "", Group = "" }))!;
            await AdminHttp.WriteJsonAsync(context, shown, tag);
            return;
        }
        try
        {
            if (HttpMethods.IsDelete(method))
            {
                if (existing is null) throw GroupResource.NotFound();
                store.Delete(path.Token, tag);
                AdminHttp.NoContent(context, created: false);
                return;
            }
            var token = FromBody(await AdminHttp.ReadObjectAsync(context), path.Token, path.Group);
            if (existing is null)
            {
                // Beyond Galène (whose handler faults here): a PUT of a new name creates it.
                store.Create(token);
                AdminHttp.NoContent(context, created: true);
                return;
            }
            store.Update(token, tag);
            AdminHttp.NoContent(context, created: false);
        }
        catch (Exception e) when (e is TokenTagMismatchException or TokenExistsException)
        {
            // Another writer got there between our read and our write.
            context.Response.StatusCode = StatusCodes.Status412PreconditionFailed;
        }
        catch (TokenNotFoundException)
        {
            throw GroupResource.NotFound();
        }
    }

    /// <summary>A token object whose <c>token</c> and <c>group</c> are absent or empty: the path says which.</summary>
    private static StatefulToken FromBody(JsonObject body, string name, string group)
    {
        foreach (var field in new[] { "token", "group" })
        {
            if (body[field] is JsonValue v && v.TryGetValue<string>(out var s) && s == "") continue;
            if (body.ContainsKey(field) && body[field] is not null)
                throw new AdminRequestException(StatusCodes.Status400BadRequest, "overspecified token");
        }
        body["token"] = name;
        body["group"] = group;
        try
        {
            using var document = JsonDocument.Parse(body.ToJsonString());
            return StatefulTokenJson.Read(document.RootElement);
        }
        catch (FormatException e)
        {
            throw new AdminRequestException(StatusCodes.Status400BadRequest, "bad token: " + e.Message);
        }
    }
}
