using Tessera.Groups.Runtime;

namespace Tessera.Groups.Protocol.Handlers;

/// <summary>The invitation-token group actions (protocol.md §9).</summary>
public static class TokenActions
{
    public static void Handle(ClientSession session, Group group, Message message) =>
        session.Send(new Message
        {
            Type = MessageTypes.UserMessage, Kind = message.Kind == "listtokens" ? "tokenlist" : "token",
            Privileged = true, Error = "error", Value = "invitation tokens are not available",
        });
}
