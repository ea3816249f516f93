using Tessera.Auth;

namespace Tessera.Server.Recordings;

/// <summary>
/// What a path under <c>/recordings/</c> may name, before anything is looked up: with a final
/// slash, a group's folder; without, either a folder (to be redirected to its slash form) or a file
/// in its parent group's folder. Each candidate group is authenticated in turn.
/// </summary>
public sealed record RecordingTarget(IReadOnlyList<(string Group, bool Folder)> Candidates, string? FileName, bool EndsWithSlash)
{
    public static RecordingTarget? Parse(string rest)
    {
        if (rest.EndsWith('/'))
        {
            var group = rest[..^1];
            return GroupNames.IsValid(group) ? new RecordingTarget([(group, true)], null, true) : null;
        }
        var candidates = new List<(string, bool)>();
        if (GroupNames.IsValid(rest))
            candidates.Add((rest, true));
        int slash = rest.LastIndexOf('/');
        string? file = null;
        if (slash > 0 && GroupNames.IsValid(rest[..slash]) && IsFileName(rest[(slash + 1)..]))
        {
            file = rest[(slash + 1)..];
            candidates.Add((rest[..slash], false));
        }
        return candidates.Count > 0 ? new RecordingTarget(candidates, file, false) : null;
    }

    /// <summary>A name a recording may have: not empty, no path separator, not a dot entry.</summary>
    public static bool IsFileName(string name) =>
        name.Length > 0 && name is not ("." or "..") && !name.StartsWith('.') && name.IndexOfAny(['/', '\\', '\0']) < 0;
}
