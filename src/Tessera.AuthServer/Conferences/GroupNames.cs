namespace Tessera.AuthServer.Conferences;

/// <summary>Group names and usernames as this server accepts them, and their place in URLs.</summary>
public static class GroupNames
{
    /// <summary>
    /// The shared group-name rule (<see cref="Tessera.Auth.GroupNames"/>, files.md §4.1), and no
    /// control characters: no real group has them and they have no business in a URL we build.
    /// </summary>
    public static bool IsValid(string name) => Tessera.Auth.GroupNames.IsValid(name) && !name.Any(char.IsControl);

    /// <summary>Usernames may be empty for the conference server (auth.md §4), but an empty one cannot log in here.</summary>
    public static bool IsValidUsername(string name) => name.Length > 0 && IsValid(name);

    /// <summary>Percent-encodes each segment, keeping the <c>/</c> separators.</summary>
    public static string ToPath(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));
}
