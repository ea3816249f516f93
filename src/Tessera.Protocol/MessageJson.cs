using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.Protocol;

/// <summary>Encoding and decoding of protocol messages.</summary>
public static class MessageJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        // Galène's decoder ignores unknown fields, and clients add their own.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        MaxDepth = 64,
    };

    /// <exception cref="MessageFormatException">Not a JSON object whose fields have the protocol's types.</exception>
    public static Message Decode(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var message = JsonSerializer.Deserialize<Message>(utf8, Options);
            if (message is null) throw new MessageFormatException("message is null");
            return message;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            throw new MessageFormatException(e.Message);
        }
    }

    public static byte[] Encode(Message message) => JsonSerializer.SerializeToUtf8Bytes(message, Options);
}

public sealed class MessageFormatException(string message) : Exception(message);
