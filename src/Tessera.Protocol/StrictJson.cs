using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Auth.Files;
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

    /// <summary>
    /// A message for the person editing the file: the field by its JSON name, what was expected,
    /// line and column, and for an unknown field the nearest known one.
    /// </summary>
    public static string Describe<T>(JsonException e) => JsonErrors.Describe(e, typeof(T), Options, GaleneLeftovers);

    /// <summary>Settings of older Galène versions that an administrator switching over may still have.</summary>
    private static readonly IReadOnlyDictionary<string, string> GaleneLeftovers = new Dictionary<string, string>
    {
        ["publicServer"] = "a setting of old Galène versions, no longer read by Galène either; remove it (to list a group on the front page, set \"public\": true in its group file)",
    };
}
