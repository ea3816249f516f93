namespace Tessera.Auth;

/// <summary>The group-name rule (files.md §4.1), also applied to usernames (auth.md §4).</summary>
public static class GroupNames
{
    /// <summary>
    /// Non-empty, no backslash, and unchanged by path normalisation once a leading '/' is added:
    /// no leading or trailing '/', no empty segment ("//"), no "." or ".." segment.
    /// </summary>
    public static bool IsValid(string name)
    {
        if (name.Length == 0 || name.Contains('\\')) return false;
        foreach (var segment in name.Split('/'))
        {
            if (segment is "" or "." or "..") return false;
        }
        return true;
    }

    /// <summary>auth.md §4: a username is valid when empty or when it satisfies the group-name rule.</summary>
    public static bool IsValidUsername(string username) => username.Length == 0 || IsValid(username);

    /// <summary>
    /// The rule, and no control characters, for names the authorisation server puts in URLs it
    /// builds: no real group has them and they have no business there.
    /// </summary>
    public static bool IsValidInUrl(string name) => IsValid(name) && !name.Any(char.IsControl);

    /// <summary>A name someone can log in with at the authorisation server: as <see cref="IsValidInUrl"/>, and not empty.</summary>
    public static bool IsValidLoginName(string name) => name.Length > 0 && IsValidInUrl(name);

    /// <summary>Percent-encodes each segment, keeping the <c>/</c> separators.</summary>
    public static string ToPath(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));
}
