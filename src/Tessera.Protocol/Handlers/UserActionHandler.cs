using System.Text.Json.Nodes;
using Tessera.Auth.Permissions;
using Tessera.Protocol.Groups;

namespace Tessera.Protocol.Handlers;

/// <summary><c>useraction</c> (protocol.md §8): moderation of one member, or a member's own data.</summary>
public sealed class UserActionHandler : IMessageHandler
{
    public IReadOnlyCollection<string> Types { get; } = [MessageTypes.UserAction];

    public ValueTask HandleAsync(ClientSession session, Message message, CancellationToken cancellationToken)
    {
        if (session.JoinedGroupOrRefuse() is not { } group)
            return ValueTask.CompletedTask;
        switch (message.Kind)
        {
            case "op": ChangePermissions(session, group, message, add: Op(group), remove: []); break;
            case "unop": ChangePermissions(session, group, message, add: [], remove: [PermissionNames.Op, PermissionNames.Record]); break;
            case "present": ChangePermissions(session, group, message, add: [PermissionNames.Present], remove: []); break;
            case "unpresent": ChangePermissions(session, group, message, add: [], remove: [PermissionNames.Present]); break;
            case "shutup": ChangePermissions(session, group, message, add: [], remove: [PermissionNames.Message]); break;
            case "unshutup": ChangePermissions(session, group, message, add: [PermissionNames.Message], remove: []); break;
            case "identify": Identify(session, group, message); break;
            case "kick": Kick(session, group, message); break;
            case "setdata": SetOwnData(session, group, message); break;
            default: throw ConnectionEndingException.User("unknown user action");
        }
        return ValueTask.CompletedTask;
    }

    private static string[] Op(Group group) =>
        group.Description.AllowRecording ? [PermissionNames.Op, PermissionNames.Record] : [PermissionNames.Op];

    private static void ChangePermissions(ClientSession session, Group group, Message message, string[] add, string[] remove)
    {
        if (!session.Has(PermissionNames.Op))
        {
            session.SendError(Texts.NotAuthorised);
            return;
        }
        var registry = session.Services.Registry;
        IGroupMember target;
        lock (group.Gate)
        {
            if (group.Member(message.Dest ?? "") is not { } found)
            {
                session.SendError("no such user");
                return;
            }
            if (found.IsPseudo)
            {
                session.SendError("this is not a real user");
                return;
            }
            target = found;
            var permissions = target.Permissions.Where(p => !remove.Contains(p)).ToList();
            foreach (var p in add)
                if (!permissions.Contains(p)) permissions.Add(p);
            target.Permissions = permissions;
            var config = registry.Config.TryGet(out _);
            target.Send(Messages.Joined("change", group, target, config, registry.IceServers.RtcConfiguration(), includeData: false));
            group.Broadcast(Messages.User("change", target));
        }
        if (remove.Contains(PermissionNames.Present) && target is ClientSession revoked)
            session.Services.Media.PublishingRevoked(revoked);
        // Losing the last operator may lock or empty the group.
        if (remove.Contains(PermissionNames.Op)) registry.ApplyOperatorPolicies(group);
    }

    private static void Identify(ClientSession session, Group group, Message message)
    {
        if (!session.Has(PermissionNames.Op))
        {
            session.SendError(Texts.NotAuthorised);
            return;
        }
        lock (group.Gate)
        {
            if (group.Member(message.Dest ?? "") is not { } target)
            {
                session.SendError("client not found");
                return;
            }
            var info = new JsonObject { ["id"] = target.Id };
            if (target.Username != "") info["username"] = target.Username;
            if (target.RemoteAddress != "") info["address"] = target.RemoteAddress;
            session.Send(Messages.Notice("userinfo", session.Id, info));
            target.Send(Messages.Warning(target.Id, $"Your IP address has been communicated to user {session.Username}."));
        }
    }

    private static void Kick(ClientSession session, Group group, Message message)
    {
        if (!session.Has(PermissionNames.Op))
        {
            session.SendError(Texts.NotAuthorised);
            return;
        }
        var text = message.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        lock (group.Gate)
        {
            if (group.Member(message.Dest ?? "") is not { } target)
            {
                session.SendError("no such user");
                return;
            }
            target.Kick(session.Id, session.Username, text);
        }
    }

    private static void SetOwnData(ClientSession session, Group group, Message message)
    {
        if (message.Dest != session.Id)
        {
            session.SendError(Texts.NotAuthorised);
            return;
        }
        if (message.Value is not JsonObject patch)
        {
            session.SendError("Bad value in setdata");
            return;
        }
        lock (group.Gate)
        {
            session.Data = JsonMerge.Merge(session.Data, patch);
            group.Broadcast(Messages.User("change", session));
        }
    }
}
