using System.Text;
using System.Text.Json;
using Tessera.Auth.Jwt;

namespace Tessera.AuthServer.Tokens;

/// <summary>
/// Mints the JWTs of auth.md §9: <c>sub</c> = username, <c>aud</c> = the group URL,
/// <c>permissions</c> = internal names verbatim, <c>iat</c>, <c>exp</c> = iat + lifetime, <c>iss</c>.
/// </summary>
public sealed class TokenIssuer(SigningKeys keys, string issuer, TimeProvider time)
{
    public string Issue(string username, string audience, IReadOnlyList<string> permissions, TimeSpan lifetime)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("sub", username);
            writer.WriteString("aud", audience);
            writer.WriteStartArray("permissions");
            foreach (var p in permissions) writer.WriteStringValue(p);
            writer.WriteEndArray();
            writer.WriteNumber("iat", now);
            writer.WriteNumber("exp", now + (long)lifetime.TotalSeconds);
            writer.WriteString("iss", issuer);
            writer.WriteEndObject();
        }
        return JwtSigner.Sign(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), keys.Signer);
    }
}
