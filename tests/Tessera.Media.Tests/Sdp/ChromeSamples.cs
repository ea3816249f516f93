namespace Tessera.Media.Tests.Sdp;

/// <summary>Hand-written SDP shaped like what Chromium produces (unified plan, BUNDLE, simulcast).</summary>
internal static class ChromeSamples
{
    public const string ClientFingerprint =
        "sha-256 3A:96:6D:57:B2:C2:C7:61:A0:46:3E:1C:97:39:D3:F7:0A:88:A0:B1:EC:03:FB:10:A5:5D:3A:37:AB:DD:02:AA";

    private static string Crlf(string s) => s.Replace("\r\n", "\n").Replace("\n", "\r\n");

    /// <summary>Camera publish: opus audio and simulcast (h, l) video with VP8, VP9, AV1, H264 and RTX.</summary>
    public static readonly string PublishOffer = Crlf($"""
        v=0
        o=- 4611731400430051336 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1
        a=extmap-allow-mixed
        a=msid-semantic: WMS 8f3c2a
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Jd5r
        a=ice-pwd:kX1Zh9vP0Qk3nT7sLw2Yb8Fe
        a=ice-options:trickle
        a=fingerprint:{ClientFingerprint}
        a=setup:actpass
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=sendonly
        a=msid:8f3c2a 5b1e9d0c-audio
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:13 CN/8000
        a=rtpmap:110 telephone-event/48000
        a=rtpmap:126 telephone-event/8000
        a=ssrc:1001 cname:q8ZxW2r+TkPn
        a=ssrc:1001 msid:8f3c2a 5b1e9d0c-audio
        m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 45 46 102 103 108 109
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Jd5r
        a=ice-pwd:kX1Zh9vP0Qk3nT7sLw2Yb8Fe
        a=ice-options:trickle
        a=fingerprint:{ClientFingerprint}
        a=setup:actpass
        a=mid:1
        a=extmap:14 urn:ietf:params:video-orientation
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
        a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
        a=sendonly
        a=msid:8f3c2a 77aa01ef-video
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 transport-cc
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=rtpmap:98 VP9/90000
        a=rtcp-fb:98 goog-remb
        a=rtcp-fb:98 transport-cc
        a=rtcp-fb:98 ccm fir
        a=rtcp-fb:98 nack
        a=rtcp-fb:98 nack pli
        a=fmtp:98 profile-id=0
        a=rtpmap:99 rtx/90000
        a=fmtp:99 apt=98
        a=rtpmap:100 VP9/90000
        a=rtcp-fb:100 goog-remb
        a=rtcp-fb:100 nack
        a=rtcp-fb:100 nack pli
        a=fmtp:100 profile-id=2
        a=rtpmap:101 rtx/90000
        a=fmtp:101 apt=100
        a=rtpmap:45 AV1/90000
        a=rtcp-fb:45 goog-remb
        a=rtcp-fb:45 nack
        a=rtcp-fb:45 nack pli
        a=rtpmap:46 rtx/90000
        a=fmtp:46 apt=45
        a=rtpmap:102 H264/90000
        a=rtcp-fb:102 goog-remb
        a=rtcp-fb:102 nack
        a=rtcp-fb:102 nack pli
        a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
        a=rtpmap:103 rtx/90000
        a=fmtp:103 apt=102
        a=rtpmap:108 H264/90000
        a=rtcp-fb:108 goog-remb
        a=rtcp-fb:108 ccm fir
        a=rtcp-fb:108 nack
        a=rtcp-fb:108 nack pli
        a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
        a=rtpmap:109 rtx/90000
        a=fmtp:109 apt=108
        a=rid:h send
        a=rid:l send
        a=simulcast:send h;l
        """);

    /// <summary>Chrome's answer to a down-stream offer with one audio and one video section.</summary>
    public static string DownstreamAnswer(string setup = "active") => Crlf($"""
        v=0
        o=- 7012290921731178232 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE a0 v0
        a=msid-semantic: WMS
        m=audio 9 UDP/TLS/RTP/SAVPF 111
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Pq2s
        a=ice-pwd:0aZ8vYq1Rr5mLk3Jt9Wx2Cn7
        a=ice-options:trickle
        a=fingerprint:{ClientFingerprint}
        a=setup:{setup}
        a=mid:a0
        a=recvonly
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1
        m=video 9 UDP/TLS/RTP/SAVPF 96
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Pq2s
        a=ice-pwd:0aZ8vYq1Rr5mLk3Jt9Wx2Cn7
        a=ice-options:trickle
        a=fingerprint:{ClientFingerprint}
        a=setup:{setup}
        a=mid:v0
        a=recvonly
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        """);
}
