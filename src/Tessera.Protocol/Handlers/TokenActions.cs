using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Tokens;
using Tessera.Protocol.Groups;

namespace Tessera.Protocol.Handlers;

/// <summary>
/// The invitation-token group actions (protocol.md §9): the rules live in
/// <see cref="TokenCommands"/>; this maps them to and from messages.
/// </summary>
public static class TokenActions
{
    public static void Handle(ClientSession session, Group group, Message message)
    {
        var commands = session.Services.Tokens;
        var users = group.Description.Users;
        var sender = new TokenSender(group.Name, session.Username, session.Permissions,
                                     name => users is not null && users.ContainsKey(name));
        var value = message.Value is null ? default : JsonSerializer.SerializeToElement(message.Value);
        var result = message.Kind switch
        {
            "maketoken" => commands.MakeToken(value, sender),
            "edittoken" => commands.EditToken(value, sender),
            _ => commands.ListTokens(sender),
        };
        var kind = message.Kind == "listtokens" ? "tokenlist" : "token";
        JsonNode? reply = result switch
        {
            { NotAuthorised: true } => "not authorised",
            { Error: { } error } => error,
            { Token: { } token } => JsonNode.Parse(StatefulTokenJson.ToJson(token)),
            { Tokens: { } tokens } => new JsonArray(tokens.Select(t => JsonNode.Parse(StatefulTokenJson.ToJson(t))).ToArray()),
            _ => null,
        };
        session.Send(new Message
        {
            Type = MessageTypes.UserMessage,
            Kind = kind,
            Privileged = true,
            Error = result.NotAuthorised ? "not-authorised" : result.Error is not null ? "error" : null,
            Value = reply,
        });
    }
}
