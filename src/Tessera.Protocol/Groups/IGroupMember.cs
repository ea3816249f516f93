using System.Text.Json.Nodes;
using Tessera.Protocol;

namespace Tessera.Protocol.Groups;

/// <summary>A client as a group sees it. Mutable state is changed only under the group's lock.</summary>
public interface IGroupMember
{
    string Id { get; }
    string Username { get; }
    IReadOnlyList<string> Permissions { get; set; }
    JsonObject Data { get; set; }

    /// <summary>Pseudo-members (recorder, WHIP) neither chat nor hold user permissions.</summary>
    bool IsPseudo { get; }

    string RemoteAddress { get; }

    bool Has(string permission) => Permissions.Contains(permission);

    /// <summary>Queues a message without blocking.</summary>
    void Send(Message message);

    /// <summary>Disconnects the client after telling it who kicked it and why (protocol.md §11.2).</summary>
    void Kick(string? byId, string? byUsername, string? message);
}
