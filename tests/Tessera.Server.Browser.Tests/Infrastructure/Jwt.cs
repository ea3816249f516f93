using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>Minimal HS256 JWT minting, enough to stand in for an authorisation server or portal.</summary>
public static class Jwt
{
    /// <summary>A fixed 32-byte test key (HS256 needs exactly 32 bytes).</summary>
    public static readonly byte[] TestKey = Encoding.ASCII.GetBytes("tessera-browser-tests-hs256-key!");

    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The group's `authKeys` entry for <see cref="TestKey"/>.</summary>
    public static string AuthKeysJson =>
        $$"""[{"kty":"oct","alg":"HS256","k":"{{Base64Url(TestKey)}}"}]""";

    /// <summary>Mints a token for a group URL, valid for a few minutes.</summary>
    public static string Mint(string audience, string? subject, string[] permissions, TimeSpan? lifetime = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iat"] = now,
            ["exp"] = now + (long)(lifetime ?? TimeSpan.FromMinutes(5)).TotalSeconds,
            ["permissions"] = permissions,
        };
        if (subject is not null) claims["sub"] = subject;
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = HMACSHA256.HashData(TestKey, Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64Url(signature)}";
    }
}
