using System.Collections.Concurrent;
using System.Text.Json;

namespace Tessera.Auth.Jwk;

/// <summary>
/// Parsed keys by their exact JSON text, process-wide. Importing a key costs far more than
/// verifying with it, so callers that rebuild a group's key list (e.g. after re-reading its
/// description) get the already-imported instances back as long as the JSON is unchanged.
/// </summary>
public static class JsonWebKeyCache
{
    private const int Capacity = 4096;
    private static readonly ConcurrentDictionary<string, JsonWebKey> Keys = new(StringComparer.Ordinal);

    /// <summary>Like <see cref="JsonWebKeyParser.ParseLenient(JsonElement)"/>, reusing an earlier result for identical JSON.</summary>
    public static JsonWebKey GetOrParse(JsonElement element)
    {
        var json = element.GetRawText();
        if (Keys.TryGetValue(json, out var key)) return key;
        key = JsonWebKeyParser.ParseLenient(element);
        // A crude bound: configurations hold a handful of keys, so reaching it means churn; start over.
        if (Keys.Count >= Capacity) Keys.Clear();
        return Keys.GetOrAdd(json, key);
    }
}
