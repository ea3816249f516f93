using System.Text;
using System.Text.Json;

namespace Tessera.Bench.Join;

/// <summary>What the load client needs to know about a server message; everything else is skipped.</summary>
public enum MessageType { Other, Handshake, Joined, User, Chat, UserMessage, Ping }

public readonly record struct Incoming(MessageType Type, string? Kind, int ChatNumber);

/// <summary>
/// Pre-encoded client messages and a cheap scanner for server messages, so that the load client
/// spends as little CPU as possible per message (it shares the machine with the server).
/// </summary>
public static class Wire
{
    public const string ChatPrefix = "bench-";

    public static byte[] Handshake() =>
        Encode(w =>
        {
            w.WriteString("type", "handshake");
            w.WriteStartArray("version");
            w.WriteStringValue("2");
            w.WriteEndArray();
            w.WriteString("id", Guid.NewGuid().ToString("N"));
        });

    public static byte[] PasswordJoin(string group, string username, string password) =>
        Encode(w =>
        {
            w.WriteString("type", "join");
            w.WriteString("kind", "join");
            w.WriteString("group", group);
            w.WriteString("username", username);
            w.WriteString("password", password);
        });

    public static byte[] TokenJoin(string group, string token) =>
        Encode(w =>
        {
            w.WriteString("type", "join");
            w.WriteString("kind", "join");
            w.WriteString("group", group);
            w.WriteString("token", token);
        });

    /// <summary>The answer to the server's keep-alive ping (protocol.md §3.2); silent members are dropped after 45 s.</summary>
    public static readonly byte[] Pong = "{\"type\":\"pong\"}"u8.ToArray();

    public static byte[] Leave(string group) =>
        Encode(w =>
        {
            w.WriteString("type", "join");
            w.WriteString("kind", "leave");
            w.WriteString("group", group);
        });

    public static byte[] Chat(int number) =>
        Encode(w =>
        {
            w.WriteString("type", "chat");
            w.WriteString("kind", "");
            w.WriteString("value", ChatPrefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteBoolean("noecho", true);
        });

    private static byte[] Encode(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static readonly byte[] KindJoin = "join"u8.ToArray();
    private static readonly byte[] KindLeave = "leave"u8.ToArray();
    private static readonly byte[] KindAdd = "add"u8.ToArray();

    /// <summary>
    /// Reads the top-level <c>type</c>, <c>kind</c> and (for chat) the number in <c>value</c>.
    /// Kinds are interned for the common cases so that scanning allocates nothing.
    /// </summary>
    public static Incoming Scan(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var type = MessageType.Other;
        string? kind = null;
        var chatNumber = -1;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.ValueTextEquals("joined"u8)) type = MessageType.Joined;
                else if (reader.ValueTextEquals("user"u8)) type = MessageType.User;
                else if (reader.ValueTextEquals("chat"u8)) type = MessageType.Chat;
                else if (reader.ValueTextEquals("handshake"u8)) type = MessageType.Handshake;
                else if (reader.ValueTextEquals("usermessage"u8)) type = MessageType.UserMessage;
                else if (reader.ValueTextEquals("ping"u8)) type = MessageType.Ping;
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String) kind = "?";
                else if (reader.ValueTextEquals(KindJoin)) kind = "join";
                else if (reader.ValueTextEquals(KindLeave)) kind = "leave";
                else if (reader.ValueTextEquals(KindAdd)) kind = "add";
                else kind = reader.GetString();
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String) chatNumber = ParseChatNumber(reader.ValueSpan, reader.ValueIsEscaped);
                else reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return new Incoming(type, kind, type == MessageType.Chat ? chatNumber : -1);
    }

    /// <summary>Text of a <c>value</c> field, for error reports only (allocates).</summary>
    public static string? ValueText(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            return document.RootElement.TryGetProperty("value", out var v) ? v.ToString() : null;
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(json);
        }
    }

    private static int ParseChatNumber(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (escaped || !raw.StartsWith("bench-"u8)) return -1;
        return System.Buffers.Text.Utf8Parser.TryParse(raw[6..], out int n, out var consumed) && consumed == raw.Length - 6 ? n : -1;
    }
}
