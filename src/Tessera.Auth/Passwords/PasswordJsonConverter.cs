using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.Auth.Passwords;

/// <summary>Reads and writes the two JSON forms of a password (string = plain, or object).</summary>
public sealed class PasswordJsonConverter : JsonConverter<Password>
{
    public override Password Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return Password.Plain(reader.GetString()!);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("a password must be a string or an object");

        string? type = null, key = null, hash = null, salt = null;
        int iterations = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "type": type = ReadString(ref reader, name); break;
                case "key": key = ReadString(ref reader, name); break;
                case "hash": hash = ReadString(ref reader, name); break;
                case "salt": salt = ReadString(ref reader, name); break;
                case "iterations":
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out iterations))
                        throw new JsonException("password field 'iterations' must be an integer");
                    break;
                default:
                    throw new JsonException($"unknown password field '{name}'");
            }
        }
        return Password.FromType(type) with { Key = key, Hash = hash, Salt = salt, Iterations = iterations };
    }

    private static string? ReadString(ref Utf8JsonReader reader, string name) =>
        reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw new JsonException($"password field '{name}' must be a string"),
        };

    public override void Write(Utf8JsonWriter writer, Password value, JsonSerializerOptions options)
    {
        if (value.Kind == PasswordKind.Plain && value.Key is not null)
        {
            writer.WriteStringValue(value.Key);
            return;
        }
        writer.WriteStartObject();
        if (!string.IsNullOrEmpty(value.Type)) writer.WriteString("type", value.Type);
        if (value.Hash is not null) writer.WriteString("hash", value.Hash);
        if (value.Key is not null) writer.WriteString("key", value.Key);
        if (value.Salt is not null) writer.WriteString("salt", value.Salt);
        if (value.Iterations != 0) writer.WriteNumber("iterations", value.Iterations);
        writer.WriteEndObject();
    }
}
