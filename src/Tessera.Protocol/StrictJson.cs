using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Protocol.Descriptions;

namespace Tessera.Protocol;

/// <summary>
/// JSON options for Galène's files: unknown fields and type mismatches are errors, as in Galène,
/// so a file Tessera accepts is one Galène accepts too (apart from documented Tessera additions).
/// </summary>
public static class StrictJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        Converters = { new Rfc3339JsonConverter() },
    };

    /// <summary>A human message with the position of the error, for logs and the admin.</summary>
    public static string Describe(JsonException e)
    {
        var where = e.LineNumber is long line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
        var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" (field {e.Path})";
        // The framework's message already carries path and position; keep only its first sentence.
        var message = e.Message.Split(". Path:", 2)[0].Split(" Path:", 2)[0];
        return $"{message}{path}{where}";
    }
}
