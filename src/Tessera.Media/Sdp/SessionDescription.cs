using System.Globalization;
using System.Text;

namespace Tessera.Media.Sdp;

/// <summary>
/// A parsed SDP (RFC 8866): the session part and the m= sections, keeping every line so that
/// nothing is lost when an offer is inspected. Parse is strict about structure, lenient about
/// attributes it does not know.
/// </summary>
public sealed class SessionDescription
{
    public string Origin { get; set; } = "- 0 0 IN IP4 127.0.0.1";
    public string SessionName { get; set; } = "-";
    /// <summary>Session-level lines other than v=, o=, s= and a= (t=, c=, b=…), verbatim "x=value".</summary>
    public List<string> OtherLines { get; } = new();
    public List<SdpAttribute> Attributes { get; } = new();
    public List<MediaDescription> Media { get; } = new();

    public string? Attribute(string name) => Attributes.Find(a => a.Name == name)?.Value;
    public bool HasAttribute(string name) => Attributes.Exists(a => a.Name == name);

    /// <summary>Mids of the first a=group:BUNDLE line.</summary>
    public List<string> BundleMids()
    {
        string? group = Attributes.Where(a => a.Name == "group" && a.Value is not null)
            .Select(a => a.Value!).FirstOrDefault(v => v.StartsWith("BUNDLE", StringComparison.Ordinal));
        return group is null ? new List<string>() : group.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
    }

    /// <summary>An attribute of a media section, falling back to the session level (ice-ufrag, fingerprint…).</summary>
    public string? MediaOrSession(MediaDescription media, string name) => media.Attribute(name) ?? Attribute(name);

    public static SessionDescription Parse(string text)
    {
        var sdp = new SessionDescription();
        MediaDescription? current = null;
        bool sawVersion = false;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
                continue;
            if (line.Length < 2 || line[1] != '=')
                throw new SdpFormatException($"malformed SDP line: {Truncate(line)}");
            char type = line[0];
            string value = line[2..];
            if (!sawVersion)
            {
                if (type != 'v' || value != "0")
                    throw new SdpFormatException("SDP must start with v=0");
                sawVersion = true;
                continue;
            }
            switch (type)
            {
                case 'm':
                    current = ParseMediaLine(value);
                    sdp.Media.Add(current);
                    break;
                case 'a':
                    (current is null ? sdp.Attributes : current.Attributes).Add(SdpAttribute.Parse(value));
                    break;
                case 'o' when current is null:
                    sdp.Origin = value;
                    break;
                case 's' when current is null:
                    sdp.SessionName = value;
                    break;
                default:
                    (current is null ? sdp.OtherLines : current.OtherLines).Add(line);
                    break;
            }
        }
        if (!sawVersion)
            throw new SdpFormatException("empty SDP");
        return sdp;
    }

    private static MediaDescription ParseMediaLine(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3)
            throw new SdpFormatException($"malformed m= line: {Truncate(value)}");
        string port = parts[1].Split('/')[0];
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p > 65535)
            throw new SdpFormatException($"malformed port in m= line: {Truncate(value)}");
        return new MediaDescription { Media = parts[0], Port = p, Protocol = parts[2], Formats = parts.Skip(3).ToList() };
    }

    private static string Truncate(string s) => s.Length > 60 ? s[..60] + "…" : s;

    public override string ToString()
    {
        var sb = new StringBuilder();
        void Line(string l) => sb.Append(l).Append("\r\n");
        Line("v=0");
        Line("o=" + Origin);
        Line("s=" + SessionName);
        foreach (string l in OtherLines)
            Line(l);
        if (!OtherLines.Exists(l => l.StartsWith("t=", StringComparison.Ordinal)))
            Line("t=0 0");
        foreach (var a in Attributes)
            Line(a.ToString());
        foreach (var m in Media)
        {
            Line($"m={m.Media} {m.Port} {m.Protocol} {string.Join(' ', m.Formats)}");
            foreach (string l in m.OtherLines)
                Line(l);
            foreach (var a in m.Attributes)
                Line(a.ToString());
        }
        return sb.ToString();
    }
}
