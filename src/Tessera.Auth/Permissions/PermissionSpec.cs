using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.Auth.Permissions;

/// <summary>
/// A user entry's <c>permissions</c>: either a named set (a string, expanded at login)
/// or an explicit list (used verbatim). files.md §7.2.
/// </summary>
[JsonConverter(typeof(PermissionSpecJsonConverter))]
public sealed class PermissionSpec
{
    private PermissionSpec(string? namedSet, IReadOnlyList<string>? list)
    {
        NamedSet = namedSet;
        List = list;
    }

    /// <summary>The named set, when the JSON value was a string.</summary>
    public string? NamedSet { get; }

    /// <summary>The explicit list, when the JSON value was an array.</summary>
    public IReadOnlyList<string>? List { get; }

    /// <exception cref="ArgumentException">The name is not one of <see cref="PermissionNames.NamedSets"/>.</exception>
    public static PermissionSpec Named(string name) =>
        PermissionNames.NamedSets.Contains(name)
            ? new PermissionSpec(name, null)
            : throw new ArgumentException($"unknown permission '{name}'", nameof(name));

    public static PermissionSpec Explicit(IEnumerable<string> names) => new(null, names.ToArray());

    /// <summary>
    /// The permissions granted at login: a named set expanded with the group's options,
    /// an explicit list as it stands.
    /// </summary>
    public IReadOnlyList<string> Expand(bool allowRecording = false, bool unrestrictedTokens = false)
    {
        if (List is not null) return List;
        var result = new List<string>();
        switch (NamedSet)
        {
            case "op":
                if (allowRecording) result.Add(PermissionNames.Record);
                result.AddRange([PermissionNames.Op, PermissionNames.Present, PermissionNames.Message,
                                 PermissionNames.Caption, PermissionNames.Token]);
                break;
            case "present":
                if (unrestrictedTokens) result.Add(PermissionNames.Token);
                result.AddRange([PermissionNames.Present, PermissionNames.Message]);
                break;
            case "message": result.Add(PermissionNames.Message); break;
            case "caption": result.Add(PermissionNames.Caption); break;
            case "admin": result.Add(PermissionNames.Admin); break;
            case "observe": break;
        }
        return result;
    }

    public override string ToString() => NamedSet ?? "[" + string.Join(",", List!) + "]";
}

public sealed class PermissionSpecJsonConverter : JsonConverter<PermissionSpec>
{
    public override PermissionSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var name = reader.GetString()!;
            if (!PermissionNames.NamedSets.Contains(name))
                throw new JsonException($"unknown permission '{name}'");
            return PermissionSpec.Named(name);
        }
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("permissions must be a string or an array of strings");
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException("permissions must be a string or an array of strings");
            list.Add(reader.GetString()!);
        }
        return PermissionSpec.Explicit(list);
    }

    public override void Write(Utf8JsonWriter writer, PermissionSpec value, JsonSerializerOptions options)
    {
        if (value.NamedSet is not null)
        {
            writer.WriteStringValue(value.NamedSet);
            return;
        }
        writer.WriteStartArray();
        foreach (var p in value.List!) writer.WriteStringValue(p);
        writer.WriteEndArray();
    }
}
