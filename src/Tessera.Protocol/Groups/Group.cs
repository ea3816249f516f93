using System.Text.Json.Nodes;
using Tessera.Auth.Permissions;
using Tessera.Protocol.Descriptions;

namespace Tessera.Protocol.Groups;

/// <summary>
/// A group in memory: its description in force, members, lock, chat history and group data.
/// Every mutable field is guarded by <see cref="Gate"/>; sends inside it never block.
/// </summary>
public sealed class Group
{
    private readonly Dictionary<string, IGroupMember> _members = new(StringComparer.Ordinal);

    public Group(string name, GroupLookup lookup, DateTimeOffset now)
    {
        Name = name;
        Lookup = lookup;
        LastActivity = now;
    }

    public string Name { get; }
    public object Gate { get; } = new();

    /// <summary>The lookup that produced <see cref="Description"/>; replaced when the file changes.</summary>
    public GroupLookup Lookup { get; internal set; }

    public GroupDescription Description => Lookup.Description!;

    public bool Locked { get; private set; }
    public string? LockMessage { get; private set; }
    public ChatHistory History { get; } = new();
    public JsonObject Data { get; private set; } = new();
    public DateTimeOffset LastActivity { get; private set; }

    /// <summary>Set when the registry dropped the group; a join racing with that must open it again.</summary>
    public bool Evicted { get; internal set; }

    public int Count => _members.Count;

    public IReadOnlyList<IGroupMember> Members() => _members.Values.ToList();

    public IGroupMember? Member(string id) => _members.GetValueOrDefault(id);

    public bool Contains(string id) => _members.ContainsKey(id);

    public bool HasOperator() => _members.Values.Any(m => m.Has(PermissionNames.Op));

    internal bool TryAdd(IGroupMember member, DateTimeOffset now)
    {
        if (!_members.TryAdd(member.Id, member)) return false;
        LastActivity = now;
        return true;
    }

    internal bool Remove(IGroupMember member, DateTimeOffset now)
    {
        if (!_members.TryGetValue(member.Id, out var present) || !ReferenceEquals(present, member)) return false;
        _members.Remove(member.Id);
        LastActivity = now;
        return true;
    }

    public void Lock(string? message)
    {
        Locked = true;
        LockMessage = message;
    }

    public void Unlock()
    {
        Locked = false;
        LockMessage = null;
    }

    /// <summary>Merges <paramref name="patch"/> into the group data; a null value removes the key.</summary>
    public void MergeData(JsonObject patch) => Data = JsonMerge.Merge(Data, patch);

    /// <summary>Sends to every member except <paramref name="except"/>.</summary>
    public void Broadcast(Message message, IGroupMember? except = null)
    {
        foreach (var m in _members.Values)
            if (!ReferenceEquals(m, except)) m.Send(message);
    }
}
