using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;

namespace Tessera.Server.Admin;

/// <summary>A group's <c>authKeys</c> (http.md §10.4, §10.6).</summary>
public sealed class KeysResource(GroupFiles files)
{
    public const string JwkSetType = "application/jwk-set+json";

    public async Task HandleAsync(HttpContext context, AdminPath path, bool writable)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            // Beyond Galène: the keys can be read back, public parts only; a shared (oct) secret is never shown.
            var file = files.Read(path.Group) ?? throw GroupResource.NotFound();
            var keys = new JsonArray();
            foreach (var key in (file.Json["authKeys"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (IsJwksReference(key)) keys.Add(key.DeepClone());
                else if (JsonWebKeyParser.TryParse(key.ToJsonString(), out var parsed) && parsed.KeyType != "oct")
                    keys.Add(JsonNode.Parse(parsed.ToPublicJwk()));
            }
            context.Response.ContentType = JwkSetType;
            if (!HttpMethods.IsHead(method)) await context.Response.WriteAsync(new JsonObject { ["keys"] = keys }.ToJsonString() + "\n");
            return;
        }

        AdminApi.RequireWritable(writable);
        JsonArray? replacement = null;
        if (HttpMethods.IsPut(method))
        {
            var bytes = await AdminHttp.ReadBodyAsync(context, JwkSetType);
            replacement = Validate(bytes);
        }
        files.Edit(path.Group, current =>
        {
            if (current is null) throw GroupResource.NotFound();
            if (replacement is null) current.Json.Remove("authKeys");
            else current.Json["authKeys"] = replacement;
            return current.Json;
        });
        AdminHttp.NoContent(context, created: false);
    }

    /// <summary>
    /// Every key must be usable (400 otherwise, Galène answers 500). Beyond Galène, a private
    /// asymmetric key is stored as its public part: checking signatures never needs the private one.
    /// </summary>
    private static JsonArray Validate(byte[] bytes)
    {
        JsonArray? keys;
        try
        {
            keys = (JsonNode.Parse(bytes) as JsonObject)?["keys"] as JsonArray;
        }
        catch (JsonException e)
        {
            throw new AdminRequestException(StatusCodes.Status400BadRequest, "malformed JSON: " + e.Message);
        }
        if (keys is null) throw new AdminRequestException(StatusCodes.Status400BadRequest, "the body must be {\"keys\": [...]}");
        var stored = new JsonArray();
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] is not JsonObject key) throw new AdminRequestException(StatusCodes.Status400BadRequest, $"key {i} is not an object");
            if (IsJwksReference(key))
            {
                stored.Add(key.DeepClone());
                continue;
            }
            JsonWebKey parsed;
            try
            {
                parsed = JsonWebKeyParser.Parse(key.ToJsonString());
            }
            catch (JwkFormatException e)
            {
                throw new AdminRequestException(StatusCodes.Status400BadRequest, $"key {i}: {e.Message}");
            }
            stored.Add(parsed.KeyType == "oct" ? key.DeepClone() : JsonNode.Parse(parsed.ToPublicJwk()));
        }
        return stored;
    }

    /// <summary>Tessera's <c>{"jku": URL}</c> entry, naming a JWK Set to fetch.</summary>
    private static bool IsJwksReference(JsonObject key) => key.Count == 1 && key["jku"] is JsonValue;
}
