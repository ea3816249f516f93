namespace Tessera.Groups;

/// <summary>The group-name rule of files.md §4.1, also applied to usernames (auth.md §4).</summary>
public static class GroupNames
{
    /// <summary>Non-empty, no backslash, no leading or trailing '/', no empty, '.' or '..' segment.</summary>
    public static bool IsValid(string name)
    {
        if (name.Length == 0 || name.Contains('\\')) return false;
        foreach (var segment in name.Split('/'))
            if (segment is "" or "." or "..") return false;
        return true;
    }
}
