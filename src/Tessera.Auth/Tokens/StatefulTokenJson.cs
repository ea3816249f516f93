using System.Text;
using System.Text.Json;

namespace Tessera.Auth.Tokens;

/// <summary>The JSON form of a <see cref="StatefulToken"/> (files.md §8.2), for the store and protocol replies.</summary>
public static class StatefulTokenJson
{
    /// <summary>Reads one token object; unknown members are ignored.</summary>
    /// <exception cref="FormatException">Not an object, no string <c>token</c>, or a member of the wrong type.</exception>
    public static StatefulToken Read(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new FormatException("a token must be a JSON object");
        return new StatefulToken
        {
            Token = OptionalString(element, "token") ?? throw new FormatException("token object without 'token'"),
            Group = OptionalString(element, "group") ?? "",
            IncludeSubgroups = OptionalBool(element, "includeSubgroups"),
            Username = OptionalString(element, "username"),
            Permissions = OptionalStringList(element, "permissions"),
            Expires = OptionalTime(element, "expires"),
            NotBefore = OptionalTime(element, "not-before"),
            IssuedAt = OptionalTime(element, "issuedAt"),
            IssuedBy = OptionalString(element, "issuedBy"),
        };
    }

    /// <summary>Writes the object with Galène's member names; absent fields are omitted, permissions always present.</summary>
    public static void Write(Utf8JsonWriter writer, StatefulToken token)
    {
        writer.WriteStartObject();
        writer.WriteString("token", token.Token);
        writer.WriteString("group", token.Group);
        if (token.IncludeSubgroups) writer.WriteBoolean("includeSubgroups", true);
        if (token.Username is not null) writer.WriteString("username", token.Username);
        writer.WritePropertyName("permissions");
        if (token.Permissions is null) writer.WriteNullValue();
        else
        {
            writer.WriteStartArray();
            foreach (var p in token.Permissions) writer.WriteStringValue(p);
            writer.WriteEndArray();
        }
        if (token.Expires is { } expires) writer.WriteString("expires", Rfc3339.Format(expires));
        if (token.NotBefore is { } notBefore) writer.WriteString("not-before", Rfc3339.Format(notBefore));
        if (token.IssuedAt is { } issuedAt) writer.WriteString("issuedAt", Rfc3339.Format(issuedAt));
        if (token.IssuedBy is not null) writer.WriteString("issuedBy", token.IssuedBy);
        writer.WriteEndObject();
    }

    public static string ToJson(StatefulToken token)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) Write(writer, token);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static StatefulToken Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException("not valid JSON: " + e.Message);
        }
    }

    private static string? OptionalString(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new FormatException($"'{name}' must be a string");
    }

    private static bool OptionalBool(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new FormatException($"'{name}' must be a boolean"),
        };
    }

    private static IReadOnlyList<string>? OptionalStringList(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Array) throw new FormatException($"'{name}' must be an array of strings");
        var list = new List<string>();
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw new FormatException($"'{name}' must be an array of strings");
            list.Add(item.GetString()!);
        }
        return list;
    }

    private static DateTimeOffset? OptionalTime(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String || !Rfc3339.TryParse(v.GetString()!, out var time))
            throw new FormatException($"'{name}' must be an RFC 3339 timestamp");
        return time;
    }
}
