using System.Text.Json;

namespace Tessera.AuthServer.Oidc;

/// <summary>
/// The claims the provider vouched for: the validated ID token's, and the userinfo answer's when
/// asked for (those win, being the fresher). A claim path descends into objects with dots
/// (<c>realm_access.roles</c>, <c>resource_access.tessera.roles</c>); a claim whose name itself
/// holds dots (a URL-style name) is found under its full name first.
/// </summary>
public sealed class SignedInClaims(JsonElement idToken, JsonElement? userinfo)
{
    /// <summary>The string at <paramref name="path"/>, or null when absent or not a string.</summary>
    public string? String(string path) =>
        Find(path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>The strings at <paramref name="path"/>: a string is one, an array gives its strings; anything else none.</summary>
    public IEnumerable<string> Strings(string path)
    {
        if (Find(path) is not { } value) yield break;
        if (value.ValueKind == JsonValueKind.String) yield return value.GetString()!;
        if (value.ValueKind != JsonValueKind.Array) yield break;
        foreach (var item in value.EnumerateArray())
            if (item.ValueKind == JsonValueKind.String) yield return item.GetString()!;
    }

    private JsonElement? Find(string path) =>
        (userinfo is { } u ? FindIn(u, path) : null) ?? FindIn(idToken, path);

    private static JsonElement? FindIn(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object) return null;
        if (root.TryGetProperty(path, out var whole)) return whole;
        var current = root;
        foreach (var segment in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current)) return null;
        }
        return current;
    }
}
