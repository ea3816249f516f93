using System.Text;
using System.Text.Json;

namespace Tessera.Auth.Jwt;

/// <summary>
/// The claims an authorisation server or portal puts in a join token (auth.md §9): <c>sub</c>,
/// <c>aud</c> (the group URL), verbatim <c>permissions</c>, <c>iat</c>, <c>exp</c>, optional
/// <c>iss</c> and <c>include-subgroups</c>. Pass the result to <see cref="JwtSigner.Sign"/>.
/// </summary>
public static class JwtClaims
{
    public static string Build(string? subject, string audience, IEnumerable<string> permissions, DateTimeOffset issuedAt,
                               TimeSpan lifetime, string? issuer = null, bool includeSubgroups = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (subject is not null) writer.WriteString("sub", subject);
            writer.WriteString("aud", audience);
            writer.WriteStartArray("permissions");
            foreach (var p in permissions) writer.WriteStringValue(p);
            writer.WriteEndArray();
            writer.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            writer.WriteNumber("exp", (issuedAt + lifetime).ToUnixTimeSeconds());
            if (issuer is not null) writer.WriteString("iss", issuer);
            if (includeSubgroups) writer.WriteBoolean("include-subgroups", true);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
