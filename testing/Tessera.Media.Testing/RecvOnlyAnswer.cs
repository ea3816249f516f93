using Tessera.Media.Dtls;
using Tessera.Media.Ice;
using Tessera.Media.Sdp;

namespace Tessera.Media.Testing;

/// <summary>Answers a server's down-stream offer the way Chrome does for a receiver.</summary>
public static class RecvOnlyAnswer
{
    /// <summary>
    /// One recvonly section per offered section, accepting the first codec only (with its rtpmap,
    /// fmtp and rtcp-fb lines), all bundled, rtcp-mux, and setup:active so the browser is the DTLS
    /// client — or <paramref name="setup"/> "passive", as pion-based clients answer an ICE-lite offerer.
    /// </summary>
    public static string For(string offerSdp, IceCredentials ice, DtlsFingerprint fingerprint, string setup = "active")
    {
        var offer = SessionDescription.Parse(offerSdp);
        var answer = new SessionDescription { Origin = "- 99 2 IN IP4 127.0.0.1" };
        answer.OtherLines.Add("t=0 0");
        answer.Attributes.Add(new SdpAttribute("group", "BUNDLE " + string.Join(' ', offer.Media.Select(m => m.Mid))));
        foreach (var m in offer.Media)
        {
            string codec = m.Formats[0];
            var section = new MediaDescription { Media = m.Media, Port = 9, Formats = [codec] };
            section.OtherLines.Add("c=IN IP4 0.0.0.0");
            section.Attributes.Add(new SdpAttribute("ice-ufrag", ice.Ufrag));
            section.Attributes.Add(new SdpAttribute("ice-pwd", ice.Password));
            section.Attributes.Add(new SdpAttribute("fingerprint", fingerprint.ToSdpValue()));
            section.Attributes.Add(new SdpAttribute("setup", setup));
            section.Attributes.Add(new SdpAttribute("mid", m.Mid));
            section.Attributes.Add(new SdpAttribute("recvonly"));
            section.Attributes.Add(new SdpAttribute("rtcp-mux"));
            section.Attributes.AddRange(m.Attributes.Where(x => x.Name is "rtpmap" or "fmtp" or "rtcp-fb" && x.Value!.StartsWith(codec + " ")));
            answer.Media.Add(section);
        }
        return answer.ToString();
    }
}
