using System.Text;
using System.Text.Json;
using Tessera.Auth.Jwk;

namespace Tessera.Auth.Jwt;

/// <summary>Produces compact JWS tokens (RFC 7515 §7.1) with header <c>alg</c>, <c>kid</c>, <c>typ: JWT</c>.</summary>
public static class JwtSigner
{
    /// <summary>Signs a claims object given as JSON text; the payload is those exact bytes.</summary>
    /// <exception cref="ArgumentException">The claims are not a JSON object.</exception>
    /// <exception cref="InvalidOperationException">The key is invalid or cannot sign.</exception>
    public static string Sign(string claimsJson, JsonWebKey privateKey)
    {
        try
        {
            using var document = JsonDocument.Parse(claimsJson, JsonWebKeyParser.StrictJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ArgumentException("claims must be a JSON object", nameof(claimsJson));
        }
        catch (JsonException e)
        {
            throw new ArgumentException("claims are not valid JSON: " + e.Message, nameof(claimsJson));
        }
        return SignRaw(Encoding.UTF8.GetBytes(claimsJson), privateKey);
    }

    private static string SignRaw(byte[] payload, JsonWebKey privateKey)
    {
        if (!privateKey.IsValid) throw new InvalidOperationException($"invalid key: {privateKey.Problem}");
        if (!privateKey.IsPrivate) throw new InvalidOperationException("a public key cannot sign");
        var signingInput = Base64UrlStrict.Encode(Header(privateKey)) + "." + Base64UrlStrict.Encode(payload);
        var signature = privateKey.Sign(Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlStrict.Encode(signature);
    }

    private static byte[] Header(JsonWebKey key)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", key.SupportedAlgorithm!.Name);
            if (key.KeyId is not null) writer.WriteString("kid", key.KeyId);
            writer.WriteString("typ", "JWT");
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
