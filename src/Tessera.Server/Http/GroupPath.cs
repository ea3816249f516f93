namespace Tessera.Server.Http;

/// <summary>
/// A request path under <c>/group/</c>, split as http.md §6.2 says: the group name (normalised)
/// and the dotted suffix, if any.
/// </summary>
public sealed record GroupPath(string Name, string? Suffix, string? Rest)
{
    public static GroupPath? Parse(string path)
    {
        if (!path.StartsWith("/group/", StringComparison.Ordinal)) return null;
        var segments = path["/group/".Length..].Split('/');
        var nameSegments = new List<string>();
        string? suffix = null, rest = null;
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].StartsWith('.') && segments[i] is not ("." or ".."))
            {
                suffix = segments[i];
                rest = string.Join('/', segments[(i + 1)..]);
                break;
            }
            nameSegments.Add(segments[i]);
        }
        // Resolve "", "." and ".." as a path cleaner would.
        var clean = new List<string>();
        foreach (var s in nameSegments)
        {
            if (s is "" or ".") continue;
            if (s == "..") { if (clean.Count > 0) clean.RemoveAt(clean.Count - 1); continue; }
            clean.Add(s);
        }
        return new GroupPath(string.Join('/', clean), suffix, rest);
    }

    /// <summary>The group page's path as ASP.NET Core hands it over (decoded), to compare with the request's.</summary>
    public string CanonicalPagePath => $"/group/{Name}/";

    /// <summary>The same path as it goes into a URL or a <c>Location</c> header: each segment percent-encoded.</summary>
    public string CanonicalPageUrlPath => PageUrlPath(Name);

    /// <summary>
    /// The path of group <paramref name="name"/>'s page as it goes into a URL, a redirect or a
    /// <c>Location</c> header (http.md §3): every place that names a group in a URL starts here.
    /// </summary>
    public static string PageUrlPath(string name) => $"/group/{Tessera.Auth.GroupNames.ToPath(name)}/";
}
