using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Tessera.Groups.Descriptions;

/// <summary>
/// RFC 3339 date-times only: a full date, a time and a zone designator. Galène refuses anything
/// else (a date alone makes the file unreadable), and files must stay loadable by Galène.
/// </summary>
public static partial class Rfc3339
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Shape();

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || !Shape().IsMatch(text)) return false;
        // .NET parses at most 7 fractional digits; RFC 3339 allows more (Go writes nanoseconds).
        var normalised = Regex.Replace(text.Replace(' ', 'T'), @"\.(\d{7})\d+", ".$1");
        return DateTimeOffset.TryParse(normalised, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    public static string Format(DateTimeOffset value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture);
}

public sealed class Rfc3339JsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !Rfc3339.TryParse(reader.GetString(), out var value))
            throw new JsonException("expected an RFC 3339 timestamp such as 2026-09-01T08:00:00Z");
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Rfc3339.Format(value));
}
