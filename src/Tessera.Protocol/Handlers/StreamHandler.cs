using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Permissions;

namespace Tessera.Protocol.Handlers;

/// <summary>
/// Stream negotiation (protocol.md §12): the protocol's own checks here, the media work behind
/// <see cref="IStreamSignalling"/>. Every stream message needs membership, unlike in Galène.
/// </summary>
public sealed class StreamHandler : IMessageHandler
{
    public IReadOnlyCollection<string> Types { get; } =
    [
        MessageTypes.Request, MessageTypes.RequestStream, MessageTypes.Offer, MessageTypes.Answer,
        MessageTypes.Renegotiate, MessageTypes.Close, MessageTypes.Abort, MessageTypes.Ice,
    ];

    public ValueTask HandleAsync(ClientSession session, Message message, CancellationToken cancellationToken)
    {
        if (message.Type is not (MessageTypes.Request or MessageTypes.RequestStream))
        {
            if (string.IsNullOrEmpty(message.Id)) throw ConnectionEndingException.Protocol("empty id");
            if (message.Type == MessageTypes.Ice && message.Candidate is null)
                throw ConnectionEndingException.Protocol("null candidate");
        }
        if (session.JoinedGroupOrRefuse() is null)
            return ValueTask.CompletedTask;
        switch (message.Type)
        {
            case MessageTypes.Request:
                if (!IsRequestMap(message.Request))
                {
                    session.SendError("bad request");
                    return ValueTask.CompletedTask;
                }
                session.Requests = (JsonObject)message.Request!.DeepClone();
                session.Services.Media.RequestsChanged(session);
                return ValueTask.CompletedTask;
            case MessageTypes.RequestStream:
                if (message.Request is not null && !IsStringArray(message.Request))
                {
                    session.SendError("bad request");
                    return ValueTask.CompletedTask;
                }
                break;
            case MessageTypes.Offer when !session.Has(PermissionNames.Present):
                session.Send(new Message { Type = MessageTypes.Abort, Id = message.Id });
                session.SendError(Texts.NotAuthorised);
                return ValueTask.CompletedTask;
        }
        return session.Services.Media.HandleAsync(session, message, cancellationToken);
    }

    /// <summary>An object mapping labels to arrays of strings.</summary>
    public static bool IsRequestMap(JsonNode? node) =>
        node is JsonObject map && map.All(pair => IsStringArray(pair.Value));

    private static bool IsStringArray(JsonNode? node) =>
        node is JsonArray array && array.All(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String);
}
