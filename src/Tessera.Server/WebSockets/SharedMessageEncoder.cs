using Tessera.Protocol;

namespace Tessera.Server.WebSockets;

/// <summary>
/// Encodes a message once however many connections send it: a chat broadcast to 1,000 members
/// is one serialisation, not 1,000. A broadcast sends one message object to every member in a
/// row on one thread (<c>Group.Broadcast</c>), so remembering the last message each thread
/// encoded is enough; messages are immutable once built (records with init-only fields), so the
/// bytes stay right. (A table keyed by every message sent held 17 KB per member after a
/// 1,000-member join flood, and cost a GC handle per message.)
/// </summary>
public sealed class SharedMessageEncoder
{
    private readonly ThreadLocal<Encoded?> _last = new();

    private sealed record Encoded(Message Message, byte[] Bytes);

    public byte[] Encode(Message message)
    {
        if (_last.Value is { } last && ReferenceEquals(last.Message, message)) return last.Bytes;
        var bytes = MessageJson.Encode(message);
        _last.Value = new Encoded(message, bytes);
        return bytes;
    }
}
