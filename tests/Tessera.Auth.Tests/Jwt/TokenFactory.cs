using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;

namespace Tessera.Auth.Tests.Jwt;

/// <summary>Builds tokens with arbitrary headers and claims, including deliberately broken ones.</summary>
internal static class TokenFactory
{
    public static readonly DateTimeOffset Now = new(2026, 7, 29, 10, 0, 0, TimeSpan.Zero);
    public static long NowSeconds => Now.ToUnixTimeSeconds();

    /// <summary>Claims that pass for group <c>lab</c> at <see cref="Now"/> with no canonical host.</summary>
    public static JsonObject GoodClaims(string group = "lab") => new()
    {
        ["sub"] = "ada",
        ["aud"] = $"https://meet.example.net/group/{group}/",
        ["permissions"] = new JsonArray("present", "message"),
        ["iat"] = NowSeconds,
        ["exp"] = NowSeconds + 30,
    };

    public static JsonObject Header(JsonWebKey key)
    {
        var header = new JsonObject { ["alg"] = key.Algorithm, ["typ"] = "JWT" };
        if (key.KeyId is not null) header["kid"] = key.KeyId;
        return header;
    }

    public static string Sign(JsonWebKey key, JsonObject claims, Action<JsonObject>? editHeader = null)
    {
        var header = Header(key);
        editHeader?.Invoke(header);
        return SignRaw(header.ToJsonString(), claims.ToJsonString(), b => key.Sign(b));
    }

    /// <summary>Encodes header and payload text as given and signs with any function.</summary>
    public static string SignRaw(string headerJson, string payloadJson, Func<byte[], byte[]> sign)
    {
        var input = B64(headerJson) + "." + B64(payloadJson);
        return input + "." + Base64UrlStrict.Encode(sign(Encoding.ASCII.GetBytes(input)));
    }

    /// <summary>An HS256 signature computed with arbitrary key bytes (for algorithm-confusion attacks).</summary>
    public static Func<byte[], byte[]> Hmac256(byte[] secret) => data => HMACSHA256.HashData(secret, data);

    public static string B64(string text) => Base64UrlStrict.Encode(Encoding.UTF8.GetBytes(text));
}
