using System.Text;

namespace Tessera.Auth.Jwt;

/// <summary>
/// The host and decoded path of an <c>aud</c> entry, read the way Galène's URL parser reads it:
/// no dot-segment normalisation, relative references allowed (their host is empty), invalid
/// percent escapes and control characters refused.
/// </summary>
internal readonly record struct AudienceUrl(string Host, string Path)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public static AudienceUrl? TryParse(string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c == 0x7f) return null;
        }
        var rest = value;
        var hash = rest.IndexOf('#');
        if (hash >= 0) rest = rest[..hash];
        var query = rest.IndexOf('?');
        if (query >= 0) rest = rest[..query];

        var scheme = SchemeLength(rest);
        if (scheme < 0) return null;
        if (scheme > 0)
        {
            rest = rest[(scheme + 1)..];
            // "mailto:x" and the like: an opaque URL has no path to match.
            if (!rest.StartsWith('/')) return new AudienceUrl("", "");
        }

        var host = "";
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var end = rest.IndexOf('/', 2);
            var authority = end < 0 ? rest[2..] : rest[2..end];
            rest = end < 0 ? "" : rest[end..];
            var at = authority.LastIndexOf('@');
            host = at >= 0 ? authority[(at + 1)..] : authority;
            if (!IsValidHost(host)) return null;
        }

        var path = Unescape(rest);
        return path is null ? null : new AudienceUrl(host, path);
    }

    /// <summary>Length of a leading <c>scheme</c> (before ':'), 0 when none, -1 when the text cannot be a URL.</summary>
    private static int SchemeLength(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiLetter(c)) continue;
            if (char.IsAsciiDigit(c) || c is '+' or '-' or '.')
            {
                if (i == 0) return FirstSegmentHasColon(s) ? -1 : 0;
                continue;
            }
            if (c == ':') return i == 0 ? -1 : i;
            break;
        }
        return FirstSegmentHasColon(s) ? -1 : 0;
    }

    // A relative reference whose first segment holds ':' would read as a scheme; URL parsers refuse it.
    private static bool FirstSegmentHasColon(string s)
    {
        var slash = s.IndexOf('/');
        var colon = s.IndexOf(':');
        return colon >= 0 && (slash < 0 || colon < slash);
    }

    private static bool IsValidHost(string host)
    {
        if (host.Contains('%') || host.Contains(' ')) return false;
        var portStart = host.LastIndexOf(':');
        var bracket = host.LastIndexOf(']');
        if (host.StartsWith('[') && bracket < 0) return false;
        if (portStart > bracket)
        {
            foreach (var c in host.AsSpan(portStart + 1))
            {
                if (!char.IsAsciiDigit(c)) return false;
            }
        }
        return true;
    }

    private static string? Unescape(string path)
    {
        if (!path.Contains('%')) return path;
        // '%' and hex digits are ASCII, so escapes can be decoded on the UTF-8 bytes directly.
        var raw = Encoding.UTF8.GetBytes(path);
        var bytes = new byte[raw.Length];
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'%')
            {
                bytes[n++] = raw[i];
                continue;
            }
            if (i + 2 >= raw.Length || !Uri.IsHexDigit((char)raw[i + 1]) || !Uri.IsHexDigit((char)raw[i + 2])) return null;
            bytes[n++] = (byte)(Convert.ToInt32(((char)raw[i + 1]).ToString(), 16) * 16 + Convert.ToInt32(((char)raw[i + 2]).ToString(), 16));
            i += 2;
        }
        try
        {
            return StrictUtf8.GetString(bytes, 0, n);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
