using Tessera.Media.Sdp;

namespace Tessera.Server.Tests.Support;

/// <summary>What a receiving browser answers to the server's down-stream offers, for tests without a browser.</summary>
public static class ReceiverSdp
{
    public const string Fingerprint = "sha-256 3A:96:6D:57:B2:C2:C7:61:A0:46:3E:1C:97:39:D3:F7:0A:88:A0:B1:EC:03:FB:10:A5:5D:3A:37:AB:DD:02:AA";

    /// <summary>recvonly, the first payload type of every section, setup:active (or as given), fixed ICE credentials.</summary>
    public static string AnswerFor(string offerSdp, string setup = "active")
    {
        var offer = SessionDescription.Parse(offerSdp);
        var answer = new SessionDescription { Origin = "- 7 2 IN IP4 127.0.0.1" };
        answer.OtherLines.Add("t=0 0");
        answer.Attributes.Add(new SdpAttribute("group", "BUNDLE " + string.Join(' ', offer.Media.Select(m => m.Mid))));
        foreach (var m in offer.Media)
        {
            var a = new MediaDescription { Media = m.Media, Port = 9, Formats = [m.Formats[0]] };
            a.OtherLines.Add("c=IN IP4 0.0.0.0");
            a.Attributes.AddRange([
                new SdpAttribute("ice-ufrag", "Rcv1"), new SdpAttribute("ice-pwd", "receiverpassword01234567"),
                new SdpAttribute("fingerprint", Fingerprint), new SdpAttribute("setup", setup),
                new SdpAttribute("mid", m.Mid), new SdpAttribute("recvonly"), new SdpAttribute("rtcp-mux")]);
            a.Attributes.AddRange(m.Attributes.Where(x => x.Name is "rtpmap" or "fmtp" && x.Value!.StartsWith(m.Formats[0] + " ")));
            answer.Media.Add(a);
        }
        return answer.ToString();
    }
}
