using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;

namespace Tessera.Protocol.Login;

/// <summary>
/// Parsed <c>authKeys</c>, kept as long as the description that holds them, so that a join does
/// not re-import keys (key import costs more than a signature check). Lists that name JWKS URLs
/// (<c>{"jku": "https://…"}</c> entries) get a key source backed by the shared JWKS cache.
/// </summary>
public sealed class AuthKeyCache(JwksCache? jwks)
{
    private readonly ConditionalWeakTable<IReadOnlyList<JsonObject>, IReadOnlyList<JsonWebKey>> _parsed = new();
    private readonly ConditionalWeakTable<IReadOnlyList<JsonObject>, AuthKeySource> _sources = new();

    public IReadOnlyList<JsonWebKey> Parse(IReadOnlyList<JsonObject> keys) =>
        keys.Count == 0 ? [] : _parsed.GetValue(keys, list => list.Select(k => JsonWebKeyParser.ParseLenient(k.ToJsonString())).ToArray());

    /// <summary>A key source for lists that name JWKS URLs; null when every key is inline.</summary>
    public IJwtKeySource? SourceFor(IReadOnlyList<JsonObject> keys)
    {
        if (jwks is null || !keys.Any(k => k.ContainsKey("jku"))) return null;
        return _sources.GetValue(keys, list => new AuthKeySource(
            JsonSerializer.SerializeToElement(new JsonArray(list.Select(k => (JsonNode)k.DeepClone()).ToArray())), jwks));
    }
}
