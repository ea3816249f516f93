namespace Tessera.AuthServer.Conferences;

/// <summary>The group-name rule of files.md §4.1 (also the username rule of auth.md §4).</summary>
public static class GroupNames
{
    /// <summary>
    /// Non-empty, no backslash, no leading or trailing <c>/</c>, no empty, <c>.</c> or <c>..</c>
    /// segment. Control characters are refused too: no real group has them and they have no
    /// business in a URL we build.
    /// </summary>
    public static bool IsValid(string name)
    {
        if (name.Length == 0 || name.Contains('\\') || name.Any(char.IsControl)) return false;
        foreach (var segment in name.Split('/'))
            if (segment is "" or "." or "..") return false;
        return true;
    }

    /// <summary>Usernames may also be empty (auth.md §4), but an empty one cannot log in here.</summary>
    public static bool IsValidUsername(string name) => name.Length > 0 && IsValid(name);

    /// <summary>Percent-encodes each segment, keeping the <c>/</c> separators.</summary>
    public static string ToPath(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));
}
