using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;

namespace Tessera.Auth.Tests;

/// <summary>Generated keys shared by the tests of one run (RSA generation is slow-ish).</summary>
internal static class TestKeys
{
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    /// <summary>
    /// A private JWK (JSON) for the algorithm; the same one for the same (alg, kid, slot). RSA
    /// generation is slow, so every RS*/PS* algorithm and kid shares the material of one slot.
    /// </summary>
    public static string PrivateJson(string alg, string? kid = null, int slot = 0)
    {
        var material = alg.StartsWith("RS") || alg.StartsWith("PS") ? "RSA" : alg;
        var baseJson = Cache.GetOrAdd($"{material}|{slot}", _ => JsonWebKeyGenerator.Generate(alg));
        return Edit(baseJson, o =>
        {
            o["alg"] = alg;
            if (kid is not null) o["kid"] = kid;
        });
    }

    public static JsonWebKey Private(string alg, string? kid = null, int slot = 0) =>
        JsonWebKeyParser.Parse(PrivateJson(alg, kid, slot));

    public static JsonWebKey Public(string alg, string? kid = null, int slot = 0) =>
        JsonWebKeyParser.Parse(Private(alg, kid, slot).ToPublicJwk());

    /// <summary>Parses JSON, applies a change, and returns the JSON text (for hand-made bad keys).</summary>
    public static string Edit(string json, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        change(node);
        return node.ToJsonString();
    }

    public static string B64(byte[] bytes) => Base64UrlStrict.Encode(bytes);
}
