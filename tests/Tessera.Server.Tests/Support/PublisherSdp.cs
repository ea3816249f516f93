using System.Text.Json.Nodes;

namespace Tessera.Server.Tests.Support;

/// <summary>What a publishing browser sends, for tests without a browser.</summary>
public static class PublisherSdp
{
    /// <summary>A minimal audio-only publishing offer, shaped like a browser's.</summary>
    public static string AudioOffer(string ufrag = "Ab1c") => string.Join("\r\n",
        "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0",
        $"a=ice-ufrag:{ufrag}", "a=ice-pwd:q8Zr2Kp0Wm4Tn6Vb1Xc3Yd5E", "a=fingerprint:" + ReceiverSdp.Fingerprint,
        "a=setup:actpass", "a=mid:0", "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=sendonly",
        "a=msid:s1 a1", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1",
        "a=ssrc:1001 cname:abc", "");

    /// <summary>The protocol's <c>offer</c> message for an up stream labelled camera.</summary>
    public static JsonObject Offer(string id, string sdp, string? replace = null)
    {
        var m = new JsonObject { ["type"] = "offer", ["id"] = id, ["label"] = "camera", ["sdp"] = sdp };
        if (replace is not null) m["replace"] = replace;
        return m;
    }

    /// <summary>The ICE ufrag of an offer or answer message's SDP.</summary>
    public static string Ufrag(JsonObject message) =>
        message.Str("sdp")!.Split("\r\n").First(l => l.StartsWith("a=ice-ufrag:"))["a=ice-ufrag:".Length..];
}
