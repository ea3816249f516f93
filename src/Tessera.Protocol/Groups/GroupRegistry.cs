using Microsoft.Extensions.Logging;
using Tessera.Protocol;
using Tessera.Protocol.Config;
using Tessera.Protocol.Descriptions;

namespace Tessera.Protocol.Groups;

/// <summary>The result of opening a group by name: the in-memory group when its description exists.</summary>
public sealed record GroupAccess(Group? Group, GroupLookup Lookup);

/// <summary>
/// The groups in memory. Built explicitly (no global state) so that each test can have its own.
/// Opening a group re-checks its file, tells members when the description changed and applies
/// autolock/autokick (files.md §4.7, protocol.md §11.3).
/// </summary>
public sealed class GroupRegistry
{
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    public GroupRegistry(GroupDescriptionStore descriptions, ServerConfigSource config, IceServers iceServers,
                         TimeProvider time, ILogger logger)
    {
        Descriptions = descriptions;
        Config = config;
        IceServers = iceServers;
        Time = time;
        _logger = logger;
    }

    public GroupDescriptionStore Descriptions { get; }
    public ServerConfigSource Config { get; }
    public IceServers IceServers { get; }
    public TimeProvider Time { get; }

    /// <summary>Opens a group, instantiating it in memory when its description exists.</summary>
    public GroupAccess Open(string name)
    {
        var lookup = Descriptions.Lookup(name);
        if (!lookup.Found) return new GroupAccess(null, lookup);

        Group group;
        var created = false;
        lock (_groups)
        {
            if (!_groups.TryGetValue(name, out group!))
            {
                group = new Group(name, lookup, Time.GetUtcNow());
                _groups.Add(name, group);
                created = true;
            }
        }
        if (created) WarnIfUnreachable(group.Name, lookup.Description!);
        else Refresh(group, lookup);
        ApplyOperatorPolicies(group);
        return new GroupAccess(group, lookup);
    }

    /// <summary>The group if it is in memory, without touching its file.</summary>
    public Group? Find(string name)
    {
        lock (_groups) return _groups.GetValueOrDefault(name);
    }

    public IReadOnlyList<Group> InMemory()
    {
        lock (_groups) return _groups.Values.ToList();
    }

    /// <summary>
    /// Periodic housekeeping: loads public groups, re-reads files, applies autolock/autokick and
    /// evicts empty non-public groups idle for longer than their max-history-age.
    /// </summary>
    public void Sweep()
    {
        foreach (var name in Descriptions.ListFileGroups())
        {
            var lookup = Descriptions.Lookup(name);
            if (lookup.Found && lookup.Description!.Public) Open(name);
        }
        var now = Time.GetUtcNow();
        foreach (var group in InMemory())
        {
            var lookup = Descriptions.Lookup(group.Name);
            if (lookup.Found) Refresh(group, lookup);
            ApplyOperatorPolicies(group);
            lock (group.Gate)
            {
                if (group.Count > 0) continue;
                var fileGone = !lookup.Found;
                var idle = now - group.LastActivity > group.Description.MaxHistoryAge;
                if (!fileGone && (group.Description.Public || !idle)) continue;
                lock (_groups) _groups.Remove(group.Name);
                group.Evicted = true;
            }
        }
    }

    /// <summary>Locks or empties a group that has no operator, as its description asks.</summary>
    public void ApplyOperatorPolicies(Group group)
    {
        lock (group.Gate)
        {
            var d = group.Description;
            if (!(d.Autolock || d.Autokick) || group.HasOperator()) return;
            if (d.Autolock && !group.Locked && !group.Evicted)
            {
                group.Lock(null);
                NotifyChange(group);
            }
            if (d.Autokick)
                foreach (var member in group.Members())
                    member.Kick(null, null, Texts.NoOperators);
        }
    }

    /// <summary>Sends <c>joined</c>/<c>change</c> with the current status to every member.</summary>
    public void NotifyChange(Group group, bool includeData = true)
    {
        var config = Config.TryGet(out _);
        var rtc = IceServers.RtcConfiguration();
        lock (group.Gate)
            foreach (var member in group.Members())
                member.Send(Messages.Joined("change", group, member, config, rtc, includeData));
    }

    /// <summary>A group nobody can log in to is a configuration mistake worth a line in the log.</summary>
    private void WarnIfUnreachable(string name, Descriptions.GroupDescription description)
    {
        if (Delegation.Unreachable(description, Config.TryGet(out _)) is { } why)
            _logger.LogWarning("group {Group}: {Problem}", name, why);
    }

    private void Refresh(Group group, GroupLookup lookup)
    {
        lock (group.Gate)
        {
            if (Equals(group.Lookup.Description, lookup.Description))
            {
                group.Lookup = lookup;
                return;
            }
            group.Lookup = lookup;
            _logger.LogInformation("group {Group}: description changed", group.Name);
        }
        WarnIfUnreachable(group.Name, lookup.Description!);
        NotifyChange(group);
    }
}
