using System.Globalization;

namespace Tessera.Media.Sdp;

/// <summary>One m= section: the media line, its other lines in order, and typed views of the WebRTC attributes.</summary>
public sealed class MediaDescription
{
    public string Media { get; set; } = "";
    public int Port { get; set; }
    public string Protocol { get; set; } = "UDP/TLS/RTP/SAVPF";
    public List<string> Formats { get; set; } = new();
    /// <summary>Non-attribute lines of the section other than m= (c=, b=, i=…), verbatim "x=value".</summary>
    public List<string> OtherLines { get; } = new();
    public List<SdpAttribute> Attributes { get; } = new();

    public string? Attribute(string name) => Attributes.Find(a => a.Name == name)?.Value;
    public bool HasAttribute(string name) => Attributes.Exists(a => a.Name == name);
    public IEnumerable<string> AttributeValues(string name) =>
        Attributes.Where(a => a.Name == name && a.Value is not null).Select(a => a.Value!);

    public string? Mid => Attribute("mid");

    /// <summary>sendrecv/sendonly/recvonly/inactive; sendrecv when absent (RFC 8866 §6.7).</summary>
    public string Direction =>
        Attributes.Select(a => a.Name).FirstOrDefault(n => n is "sendrecv" or "sendonly" or "recvonly" or "inactive") ?? "sendrecv";

    public bool IsRejected => Port == 0;

    /// <summary>Payload types with their rtpmap, fmtp and rtcp-fb, in m-line order.</summary>
    public List<RtpMap> RtpMaps()
    {
        var maps = new List<RtpMap>();
        foreach (string format in Formats)
        {
            if (!int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out int pt) || pt > 127)
                continue;
            string? rtpmap = AttributeValues("rtpmap").FirstOrDefault(v => v.StartsWith(format + " ", StringComparison.Ordinal));
            string name = "", fmtp = "";
            int clock = 0, channels = 0;
            if (rtpmap is not null)
            {
                var encoding = rtpmap[(format.Length + 1)..].Trim().Split('/');
                name = encoding[0];
                if (encoding.Length > 1)
                    int.TryParse(encoding[1], NumberStyles.None, CultureInfo.InvariantCulture, out clock);
                if (encoding.Length > 2)
                    int.TryParse(encoding[2], NumberStyles.None, CultureInfo.InvariantCulture, out channels);
            }
            fmtp = AttributeValues("fmtp").Where(v => v.StartsWith(format + " ", StringComparison.Ordinal))
                .Select(v => v[(format.Length + 1)..].Trim()).FirstOrDefault() ?? "";
            var feedback = AttributeValues("rtcp-fb")
                .Where(v => v.StartsWith(format + " ", StringComparison.Ordinal) || v.StartsWith("* ", StringComparison.Ordinal))
                .Select(v => v[(v.IndexOf(' ') + 1)..].Trim())
                .ToList();
            maps.Add(new RtpMap(pt, name, clock, channels, fmtp, feedback));
        }
        return maps;
    }

    /// <summary>a=extmap id → URI (direction suffixes on the id are dropped).</summary>
    public Dictionary<int, string> Extmaps()
    {
        var result = new Dictionary<int, string>();
        foreach (string v in AttributeValues("extmap"))
        {
            var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
                continue;
            string id = parts[0].Split('/')[0];
            if (int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 255)
                result[n] = parts[1];
        }
        return result;
    }

    /// <summary>a=ssrc lines grouped by SSRC: attribute name → value (cname, msid, …).</summary>
    public Dictionary<uint, Dictionary<string, string>> Ssrcs()
    {
        var result = new Dictionary<uint, Dictionary<string, string>>();
        foreach (string v in AttributeValues("ssrc"))
        {
            int space = v.IndexOf(' ');
            string id = space < 0 ? v : v[..space];
            if (!uint.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out uint ssrc))
                continue;
            if (!result.TryGetValue(ssrc, out var attrs))
                result[ssrc] = attrs = new Dictionary<string, string>();
            if (space >= 0)
            {
                var attr = SdpAttribute.Parse(v[(space + 1)..]);
                attrs[attr.Name] = attr.Value ?? "";
            }
        }
        return result;
    }

    /// <summary>a=ssrc-group lines, e.g. ("FID", [primary, rtx]).</summary>
    public List<(string Semantics, List<uint> Ssrcs)> SsrcGroups() =>
        AttributeValues("ssrc-group").Select(v =>
        {
            var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (parts[0], parts.Skip(1).Select(s => uint.TryParse(s, out var x) ? x : 0).Where(x => x != 0).ToList());
        }).ToList();

    /// <summary>a=rid lines (RFC 8851): id and direction.</summary>
    public List<(string Id, string Direction)> Rids() =>
        AttributeValues("rid").Select(v =>
        {
            var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (parts[0], parts.Length > 1 ? parts[1] : "");
        }).ToList();

    /// <summary>The RIDs of "a=simulcast:send …" in order, paused (~) ones included, alternatives flattened.</summary>
    public List<string> SimulcastSendRids()
    {
        string? value = Attribute("simulcast");
        if (value is null)
            return new List<string>();
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i + 1 < parts.Length; i += 2)
        {
            if (parts[i] == "send")
                return parts[i + 1].Split(';').SelectMany(s => s.Split(',')).Select(r => r.TrimStart('~')).ToList();
        }
        return new List<string>();
    }
}
