namespace Tessera.Bench.Sfu;

/// <summary>A minimal browser-shaped publish offer: sendonly opus + VP8, BUNDLE, rtcp-mux, fixed SSRCs.</summary>
internal static class PublisherOffer
{
    public const byte OpusPayloadType = 111;
    public const byte Vp8PayloadType = 96;
    public const int MidExtensionId = 4;

    public static string Build(MediaPeer peer, uint audioSsrc, uint videoSsrc)
    {
        string fp = peer.Certificate.Fingerprint.ToSdpValue();
        string Common(string mid) => $"""
            c=IN IP4 0.0.0.0
            a=rtcp:9 IN IP4 0.0.0.0
            a=ice-ufrag:{peer.Ice.Ufrag}
            a=ice-pwd:{peer.Ice.Password}
            a=fingerprint:{fp}
            a=setup:actpass
            a=mid:{mid}
            a=extmap:{MidExtensionId} urn:ietf:params:rtp-hdrext:sdes:mid
            a=sendonly
            a=rtcp-mux
            """;
        string sdp = $"""
            v=0
            o=- {Random.Shared.NextInt64(1, long.MaxValue)} 2 IN IP4 127.0.0.1
            s=-
            t=0 0
            a=group:BUNDLE 0 1
            a=msid-semantic: WMS bench
            m=audio 9 UDP/TLS/RTP/SAVPF {OpusPayloadType}
            {Common("0")}
            a=msid:bench bench-audio
            a=rtpmap:{OpusPayloadType} opus/48000/2
            a=fmtp:{OpusPayloadType} minptime=10;useinbandfec=1
            a=ssrc:{audioSsrc} cname:bench
            a=ssrc:{audioSsrc} msid:bench bench-audio
            m=video 9 UDP/TLS/RTP/SAVPF {Vp8PayloadType}
            {Common("1")}
            a=msid:bench bench-video
            a=rtpmap:{Vp8PayloadType} VP8/90000
            a=rtcp-fb:{Vp8PayloadType} ccm fir
            a=rtcp-fb:{Vp8PayloadType} nack
            a=rtcp-fb:{Vp8PayloadType} nack pli
            a=ssrc:{videoSsrc} cname:bench
            a=ssrc:{videoSsrc} msid:bench bench-video

            """;
        return sdp.Replace("\r\n", "\n").Replace("\n", "\r\n");
    }
}
