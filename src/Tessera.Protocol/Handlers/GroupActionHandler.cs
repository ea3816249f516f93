using System.Text;
using System.Text.Json.Nodes;
using Tessera.Auth.Permissions;
using Tessera.Protocol.Groups;

namespace Tessera.Protocol.Handlers;

/// <summary><c>groupaction</c> (protocol.md §7); the token kinds go to <see cref="TokenActions"/>.</summary>
public sealed class GroupActionHandler : IMessageHandler
{
    public IReadOnlyCollection<string> Types { get; } = [MessageTypes.GroupAction];

    public ValueTask HandleAsync(ClientSession session, Message message, CancellationToken cancellationToken)
    {
        if (session.JoinedGroupOrRefuse() is not { } group)
            return ValueTask.CompletedTask;
        switch (message.Kind)
        {
            case "clearchat": WithOp(session, () => ClearChat(session, group, message.Value)); break;
            case "lock": WithOp(session, () => Lock(session, group, message.Value)); break;
            case "unlock": WithOp(session, () => Unlock(session, group)); break;
            case "subgroups": WithOp(session, () => Subgroups(session, group)); break;
            case "setdata": WithOp(session, () => SetData(session, group, message.Value)); break;
            case "record": RecordingActions.Record(session, group); break;
            case "unrecord": RecordingActions.Unrecord(session, group); break;
            case "maketoken":
            case "edittoken":
            case "listtokens":
                TokenActions.Handle(session, group, message);
                break;
            default:
                throw ConnectionEndingException.User("unknown group action");
        }
        return ValueTask.CompletedTask;
    }

    private static void WithOp(ClientSession session, Action action)
    {
        if (session.Has(PermissionNames.Op)) action();
        else session.SendError(Texts.NotAuthorised);
    }

    private static void ClearChat(ClientSession session, Group group, JsonNode? value)
    {
        string? userId = null, id = null;
        if (value is not null)
        {
            if (value is not JsonObject obj || !TryString(obj, "userId", out userId) || !TryString(obj, "id", out id)
                || (id is not null && userId is null))
            {
                session.SendError("bad value in clearchat");
                return;
            }
        }
        lock (group.Gate)
        {
            if (userId is null) group.History.Clear();
            else group.History.Remove(userId, id);
            group.Broadcast(Messages.Notice("clearchat", null, value?.DeepClone()));
        }
    }

    private static bool TryString(JsonObject obj, string key, out string? result)
    {
        result = null;
        if (!obj.TryGetPropertyValue(key, out var node) || node is null) return true;
        if (node is JsonValue v && v.TryGetValue<string>(out var s))
        {
            result = s;
            return true;
        }
        return false;
    }

    private static void Lock(ClientSession session, Group group, JsonNode? value)
    {
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
        lock (group.Gate) group.Lock(text);
        session.Services.Registry.NotifyChange(group);
    }

    private static void Unlock(ClientSession session, Group group)
    {
        lock (group.Gate) group.Unlock();
        session.Services.Registry.NotifyChange(group);
    }

    private static void Subgroups(ClientSession session, Group group)
    {
        var text = new StringBuilder();
        foreach (var other in session.Services.Registry.InMemory().OrderBy(g => g.Name, StringComparer.Ordinal))
        {
            if (!other.Name.StartsWith(group.Name + "/", StringComparison.Ordinal)) continue;
            int count;
            lock (other.Gate) count = other.Count;
            if (count > 0) text.Append($"{other.Name} ({count} {(count == 1 ? "client" : "clients")})\n");
        }
        session.Send(new Message
        {
            Type = MessageTypes.Chat, Dest = session.Id, Username = "Server",
            Time = Messages.Time(session.Services.Time.GetUtcNow()), Value = text.ToString(),
        });
    }

    private static void SetData(ClientSession session, Group group, JsonNode? value)
    {
        if (value is not JsonObject patch)
        {
            session.SendError("Bad value in setdata");
            return;
        }
        lock (group.Gate) group.MergeData(patch);
        session.Services.Registry.NotifyChange(group);
    }
}
