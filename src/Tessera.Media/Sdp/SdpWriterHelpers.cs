using System.Net.Sockets;

namespace Tessera.Media.Sdp;

/// <summary>Lines shared by every media section we write: transport, candidates.</summary>
internal static class SdpWriterHelpers
{
    public static void AddConnection(MediaDescription m, LocalTransport local)
    {
        var first = local.Candidates.FirstOrDefault();
        if (first is null)
        {
            m.OtherLines.Add("c=IN IP4 0.0.0.0");
            return;
        }
        string family = first.EndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4";
        m.OtherLines.Add($"c=IN {family} {first.EndPoint.Address}");
    }

    public static int Port(LocalTransport local) => local.Candidates.FirstOrDefault()?.EndPoint.Port ?? 9;

    public static void AddTransport(MediaDescription m, LocalTransport local, string setup, string mid)
    {
        m.Attributes.Add(new SdpAttribute("ice-ufrag", local.Ice.Ufrag));
        m.Attributes.Add(new SdpAttribute("ice-pwd", local.Ice.Password));
        m.Attributes.Add(new SdpAttribute("fingerprint", local.Fingerprint.ToSdpValue()));
        m.Attributes.Add(new SdpAttribute("setup", setup));
        m.Attributes.Add(new SdpAttribute("mid", mid));
    }

    public static void AddCodec(MediaDescription m, int payloadType, CodecInfo codec, string fmtp, IEnumerable<string> feedback)
    {
        string encoding = codec.Channels > 1 ? $"{codec.EncodingName}/{codec.ClockRate}/{codec.Channels}" : $"{codec.EncodingName}/{codec.ClockRate}";
        m.Attributes.Add(new SdpAttribute("rtpmap", $"{payloadType} {encoding}"));
        foreach (string fb in feedback)
            m.Attributes.Add(new SdpAttribute("rtcp-fb", $"{payloadType} {fb}"));
        if (fmtp.Length > 0)
            m.Attributes.Add(new SdpAttribute("fmtp", $"{payloadType} {fmtp}"));
    }

    public static void AddCandidates(MediaDescription m, LocalTransport local)
    {
        foreach (var c in local.Candidates)
            m.Attributes.Add(SdpAttribute.Parse(c.ToSdpAttribute()));
        m.Attributes.Add(new SdpAttribute("end-of-candidates"));
    }

    public static SessionDescription NewSession(ulong sessionId, int version, IEnumerable<string> bundle)
    {
        var sdp = new SessionDescription { Origin = $"- {sessionId} {version} IN IP4 127.0.0.1", SessionName = "-" };
        sdp.OtherLines.Add("t=0 0");
        sdp.Attributes.Add(new SdpAttribute("ice-lite"));
        var mids = bundle.ToList();
        if (mids.Count > 0)
            sdp.Attributes.Add(new SdpAttribute("group", "BUNDLE " + string.Join(' ', mids)));
        return sdp;
    }
}
