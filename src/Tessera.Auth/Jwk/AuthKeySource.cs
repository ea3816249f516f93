using System.Text.Json;

namespace Tessera.Auth.Jwk;

/// <summary>
/// A group's <c>authKeys</c> resolved for verification: inline JWKs (parsed once, here) and
/// <c>{"jku": "https://…"}</c> references served by a shared <see cref="JwksCache"/>, in list order.
/// </summary>
public sealed class AuthKeySource : IJwtKeySource
{
    private readonly IReadOnlyList<object> _entries; // JsonWebKey or Uri
    private readonly JwksCache? _cache;

    /// <param name="authKeys">The <c>authKeys</c> JSON array (anything else gives no keys).</param>
    /// <param name="cache">Needed only when the list holds <c>jku</c> entries; without it they give no keys.</param>
    public AuthKeySource(JsonElement authKeys, JwksCache? cache)
    {
        _cache = cache;
        var entries = new List<object>();
        var problems = new List<string>();
        if (authKeys.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in authKeys.EnumerateArray())
            {
                if (TryReadJku(item, out var uri, out var problem)) entries.Add(uri!);
                else if (problem is not null) problems.Add(problem);
                else entries.Add(JsonWebKeyCache.GetOrParse(item));
            }
        }
        _entries = entries;
        Problems = problems;
    }

    /// <summary>Unusable <c>jku</c> entries (not an absolute https URL); inline key problems are on each key.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The inline keys only, for callers without JWKS support.</summary>
    public IReadOnlyList<JsonWebKey> InlineKeys => _entries.OfType<JsonWebKey>().ToList();

    public bool HasJwksReferences => _entries.Any(e => e is Uri);

    public async ValueTask<IReadOnlyList<JsonWebKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken)
    {
        if (!HasJwksReferences) return InlineKeys;
        var keys = new List<JsonWebKey>();
        foreach (var entry in _entries)
        {
            if (entry is JsonWebKey key) keys.Add(key);
            else if (_cache is not null) keys.AddRange(await _cache.GetKeysAsync((Uri)entry, keyId, cancellationToken).ConfigureAwait(false));
        }
        return keys;
    }

    /// <summary>
    /// An object with <c>jku</c> and no <c>kty</c> is a JWKS reference. Only https is accepted
    /// (plain http only to loopback addresses, for local key servers and tests).
    /// </summary>
    private static bool TryReadJku(JsonElement item, out Uri? uri, out string? problem)
    {
        uri = null;
        problem = null;
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("jku", out var jku) || item.TryGetProperty("kty", out _))
            return false;
        if (jku.ValueKind != JsonValueKind.String || !Uri.TryCreate(jku.GetString(), UriKind.Absolute, out var parsed))
        {
            problem = "jku is not an absolute URL";
            return false;
        }
        if (parsed.Scheme != Uri.UriSchemeHttps && !(parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback))
        {
            problem = $"jku must use https: {parsed}";
            return false;
        }
        uri = parsed;
        return true;
    }
}
