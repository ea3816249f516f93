using System.Text;
using System.Text.Json;
using Tessera.Auth.Jwk;

namespace Tessera.AuthServer.Tests.Support;

/// <summary>Reads a compact JWS and checks its signature against a published JWKS.</summary>
public static class TokenChecks
{
    public static JsonElement Header(string token) => Part(token, 0);
    public static JsonElement Claims(string token) => Part(token, 1);

    /// <summary>True when some key of the JWKS with the token's kid and alg verifies the signature.</summary>
    public static bool VerifiesAgainst(string token, string jwksJson)
    {
        var parts = token.Split('.');
        var header = Header(token);
        using var jwks = JsonDocument.Parse(jwksJson);
        foreach (var element in jwks.RootElement.GetProperty("keys").EnumerateArray())
        {
            var key = JsonWebKeyParser.Parse(element);
            if (key.IsPrivate) throw new InvalidOperationException("the JWKS publishes a private key");
            if (key.KeyId != header.GetProperty("kid").GetString() || key.Algorithm != header.GetProperty("alg").GetString()) continue;
            if (key.VerifySignature(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Decode(parts[2]))) return true;
        }
        return false;
    }

    private static JsonElement Part(string token, int index) =>
        JsonDocument.Parse(Decode(token.Split('.')[index])).RootElement.Clone();

    public static byte[] Decode(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
