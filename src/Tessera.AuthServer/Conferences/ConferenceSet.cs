using Tessera.Auth;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Conferences;

/// <summary>
/// The conference servers this authorisation server mints tokens for. Every audience and every
/// portal redirect is checked against them, so the portal is never an open redirect.
/// </summary>
public sealed class ConferenceSet
{
    private readonly IReadOnlyList<Conference> _conferences;

    /// <exception cref="ConfigException">Empty, or a URL that is not absolute http(s) without query or fragment.</exception>
    public ConferenceSet(IEnumerable<string> baseUrls)
    {
        var list = new List<Conference>();
        foreach (var raw in baseUrls)
        {
            if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 || uri.Host.Length == 0)
                throw new ConfigException($"conferences: '{raw}' is not an http(s) base URL like https://meet.example.org/");
            var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
            var normalised = uri.GetLeftPart(UriPartial.Authority) + path;
            list.Add(new Conference(normalised, new Uri(normalised)));
        }
        if (list.Count == 0) throw new ConfigException("'conferences' is empty: list the conference servers' base URLs");
        _conferences = list;
    }

    public IReadOnlyList<Conference> All => _conferences;

    /// <summary>The configured conference whose origin equals the browser's <c>Origin</c> header, if any.</summary>
    public Conference? ByOrigin(string? origin)
    {
        if (string.IsNullOrEmpty(origin) || !Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return null;
        // An Origin is exactly scheme://host[:port]; anything longer is not one.
        if (!string.Equals(origin, uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)) return null;
        return _conferences.FirstOrDefault(c => c.HasOrigin(uri));
    }

    /// <summary>Accepts exactly <c>CONFERENCE/group/NAME/</c> (a fragment is ignored, a query refused).</summary>
    public LocationError TryParseGroupUrl(string? location, out GroupTarget? target)
    {
        target = null;
        if (string.IsNullOrEmpty(location)) return LocationError.Malformed;
        var hash = location.IndexOf('#');
        if (hash >= 0) location = location[..hash];
        if (location.Contains('?') || !Uri.TryCreate(location, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
            return LocationError.Malformed;

        // Work on the raw path: Uri would silently resolve "..", hiding an invalid group name.
        var authorityEnd = location.IndexOf('/', uri.Scheme.Length + 3);
        if (authorityEnd < 0) return LocationError.Malformed;
        var rawPath = location[authorityEnd..];

        var sameServer = _conferences.Where(c => c.HasOrigin(uri)).ToList();
        if (sameServer.Count == 0) return LocationError.NotOurs;
        foreach (var conference in sameServer.OrderByDescending(c => c.Uri.AbsolutePath.Length))
        {
            var prefix = conference.Uri.AbsolutePath + "group/";
            if (!rawPath.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = rawPath[prefix.Length..];
            if (!rest.EndsWith('/')) return LocationError.Malformed;
            string name;
            try
            {
                name = Uri.UnescapeDataString(rest[..^1]);
            }
            catch (UriFormatException)
            {
                return LocationError.Malformed;
            }
            if (!GroupNames.IsValidInUrl(name)) return LocationError.Malformed;
            target = new GroupTarget(conference, name);
            return LocationError.None;
        }
        return LocationError.NotOurs;
    }

    /// <summary>The portal's <c>conference</c> + <c>group</c> form: the conference must be configured verbatim.</summary>
    public LocationError TryFromParts(string? conferenceUrl, string? group, out GroupTarget? target)
    {
        target = null;
        if (string.IsNullOrEmpty(group) || !GroupNames.IsValidInUrl(group)) return LocationError.Malformed;
        Conference? conference;
        if (string.IsNullOrEmpty(conferenceUrl))
        {
            // With a single conference server, the group alone is enough.
            if (_conferences.Count != 1) return LocationError.Malformed;
            conference = _conferences[0];
        }
        else
        {
            var normalised = conferenceUrl.EndsWith('/') ? conferenceUrl : conferenceUrl + "/";
            conference = _conferences.FirstOrDefault(c => string.Equals(c.BaseUrl, normalised, StringComparison.OrdinalIgnoreCase));
            if (conference is null) return LocationError.NotOurs;
        }
        target = new GroupTarget(conference, group);
        return LocationError.None;
    }
}
