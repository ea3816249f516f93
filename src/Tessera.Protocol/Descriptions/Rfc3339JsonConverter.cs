using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Auth.Tokens;

namespace Tessera.Protocol.Descriptions;

/// <summary>
/// RFC 3339 date-times only, as Galène requires in group files: a date alone or a time without
/// zone makes the file unreadable there, so it must here too.
/// </summary>
public sealed class Rfc3339JsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !Rfc3339.TryParse(reader.GetString()!, out var value))
            throw new JsonException("expected an RFC 3339 timestamp such as 2026-09-01T08:00:00Z");
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Rfc3339.Format(value));
}
