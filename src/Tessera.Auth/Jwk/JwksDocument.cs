using System.Text.Json;

namespace Tessera.Auth.Jwk;

/// <summary>A JWK Set (RFC 7517 §5): <c>{"keys": [ ... ]}</c>.</summary>
public static class JwksDocument
{
    /// <summary>
    /// Parses every key leniently: keys that cannot be used (another algorithm, no <c>alg</c>) are
    /// kept with their problem, so that only the tokens selecting them fail.
    /// </summary>
    /// <exception cref="FormatException">Not a JSON object with a <c>keys</c> array.</exception>
    public static IReadOnlyList<JsonWebKey> Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, JsonWebKeyParser.StrictJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
                throw new FormatException("a JWK Set must be an object with a 'keys' array");
            return keys.EnumerateArray().Select(JsonWebKeyParser.ParseLenient).ToList();
        }
        catch (JsonException e)
        {
            throw new FormatException("JWK Set is not valid JSON: " + e.Message);
        }
    }
}
