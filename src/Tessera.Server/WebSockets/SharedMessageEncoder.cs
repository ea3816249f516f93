using System.Runtime.CompilerServices;
using Tessera.Protocol;

namespace Tessera.Server.WebSockets;

/// <summary>
/// Encodes a message once however many connections send it: a chat broadcast to 1,000 members
/// is one serialisation, not 1,000. Messages are immutable once built (records with init-only
/// fields), so the bytes stay right; they are forgotten with the message.
/// </summary>
public sealed class SharedMessageEncoder
{
    private readonly ConditionalWeakTable<Message, byte[]> _encoded = new();

    public byte[] Encode(Message message) => _encoded.GetValue(message, static m => MessageJson.Encode(m));
}
