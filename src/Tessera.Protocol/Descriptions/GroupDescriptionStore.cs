using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tessera.Auth;

namespace Tessera.Protocol.Descriptions;

public enum LookupStatus
{
    Found,
    /// <summary>No file, and no ancestor with auto-subgroups.</summary>
    NotFound,
    /// <summary>The name breaks the group-name rule.</summary>
    IllegalName,
    /// <summary>The file exists but has never been readable.</summary>
    Unreadable,
}

/// <param name="Description">The effective description (auto-subgroup adjustments applied).</param>
/// <param name="FilePath">The file it comes from (an ancestor's for an auto-subgroup).</param>
/// <param name="Error">Why the file on disk is unusable, also when the last good version is being served.</param>
public sealed record GroupLookup(LookupStatus Status, GroupDescription? Description, string? FilePath,
                                 bool IsAutoSubgroup, string? Error, string? Tag)
{
    public bool Found => Status == LookupStatus.Found;
}

/// <summary>
/// Maps group names to description files under the groups directory (files.md §4.1, §4.4),
/// re-reading a file whenever it changes on disk.
/// </summary>
public sealed class GroupDescriptionStore
{
    private readonly ConcurrentDictionary<string, ReloadingFile<GroupDescription>> _files = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    public GroupDescriptionStore(string groupsDirectory, ILogger logger)
    {
        GroupsDirectory = Path.GetFullPath(groupsDirectory);
        _logger = logger;
    }

    public string GroupsDirectory { get; }

    public GroupLookup Lookup(string name)
    {
        if (!GroupNames.IsValid(name)) return new GroupLookup(LookupStatus.IllegalName, null, null, false, null, null);

        for (var candidate = name; ; )
        {
            var path = Path.Combine(GroupsDirectory, candidate + ".json");
            // A file seen before is checked by its own stat; only unknown names need File.Exists
            // first, so that guessed names leave nothing behind.
            if (_files.TryGetValue(path, out var known) || File.Exists(path))
            {
                var state = (known ?? FileFor(path)).Current();
                if (state.Exists) return Describe(state, path, isAuto: candidate.Length != name.Length);
                if (known is null) break; // vanished between the two checks
                // removed since it was last seen: look further up, as if it had never been there
            }
            var slash = candidate.LastIndexOf('/');
            if (slash <= 0) break;
            candidate = candidate[..slash];
        }
        return new GroupLookup(LookupStatus.NotFound, null, null, false, null, null);
    }

    private static GroupLookup Describe(FileState<GroupDescription> state, string path, bool isAuto)
    {
        if (state.Value is null)
            return new GroupLookup(LookupStatus.Unreadable, null, path, isAuto, state.Error, state.Tag);
        if (!isAuto)
            return new GroupLookup(LookupStatus.Found, state.Value, path, false, state.Error, state.Tag);
        // Only the nearest existing ancestor counts, whether or not it allows subgroups.
        return state.Value.AutoSubgroups
            ? new GroupLookup(LookupStatus.Found, state.Value.ForAutoSubgroup(), path, true, state.Error, state.Tag)
            : new GroupLookup(LookupStatus.NotFound, null, null, false, null, null);
    }

    /// <summary>Names of every description file, recursively; entries starting with '.' are skipped.</summary>
    public IReadOnlyList<string> ListFileGroups()
    {
        var names = new List<string>();
        if (!Directory.Exists(GroupsDirectory)) return names;
        void Walk(string dir, string prefix)
        {
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                if (entry.Name.StartsWith('.')) continue;
                if (entry is DirectoryInfo sub) Walk(sub.FullName, prefix + sub.Name + "/");
                else if (entry.Name.EndsWith(".json", StringComparison.Ordinal))
                    names.Add(prefix + entry.Name[..^".json".Length]);
            }
        }
        Walk(GroupsDirectory, "");
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private ReloadingFile<GroupDescription> FileFor(string path) =>
        _files.GetOrAdd(path, p => new ReloadingFile<GroupDescription>(
            p, bytes => GroupDescriptionReader.Parse(bytes, w => _logger.LogWarning("{Path}: {Warning}", p, w)), _logger));
}
