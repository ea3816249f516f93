using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Media.Testing;
using Tessera.Media.Transport;
using Tessera.Protocol;
using Tessera.Server.Streams;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Recording;

/// <summary>
/// A member publishing a VP8 camera whose packets (real pictures, split as a browser splits them)
/// are handed to the server's publisher connection already decrypted — no browser, no network.
/// </summary>
public sealed class RecordingPublisher
{
    private const uint Ssrc = 2001;
    private readonly IMediaReceiver _connection;
    private readonly VideoPacketizer _packetizer = new("vp8", Ssrc, payloadType: 96, midExtensionId: 4, mid: "0");

    private RecordingPublisher(IMediaReceiver connection) => _connection = connection;

    public static string VideoOffer(string codec = "VP8") => string.Join("\r\n", new[]
    {
        "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
        $"m={(codec == "PCMU" ? "audio" : "video")} 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0",
        "a=ice-ufrag:Ab1c", "a=ice-pwd:q8Zr2Kp0Wm4Tn6Vb1Xc3Yd5E", "a=fingerprint:" + ReceiverSdp.Fingerprint,
        "a=setup:actpass", "a=mid:0", "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=sendonly",
        "a=msid:s1 v1", "a=rtcp-mux", $"a=rtpmap:96 {codec}/{(codec == "PCMU" ? 8000 : 90000)}",
        "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli", $"a=ssrc:{Ssrc} cname:abc",
    }.Concat(codec == "H264" ? ["a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"] : []).Append(""));

    /// <summary>Offers the camera as <paramref name="client"/> and waits for the answer.</summary>
    public static async Task<RecordingPublisher> PublishAsync(TestServer server, WsClient client, string id = "cam", string codec = "VP8")
    {
        await client.SendAsync(PublisherSdp.Offer(id, VideoOffer(codec)));
        await client.ReceiveAsync("answer");
        var sfu = server.Services.GetRequiredService<SfuSignalling>();
        return new RecordingPublisher(sfu.PublishedStreams.Single(s => s.Id == id).Connection);
    }

    /// <summary>Sends the pictures, shifted by <paramref name="offset"/> milliseconds.</summary>
    public void Send(IEnumerable<EncodedFrame> pictures, long offset = 0)
    {
        foreach (var picture in pictures)
            foreach (var packet in _packetizer.Packets(picture.Data, picture.Milliseconds + offset, picture.Keyframe))
                _connection.RtpReceived(packet);
    }

    /// <summary>One packet with this payload, as is.</summary>
    public void SendRaw(byte[] payload) =>
        _connection.RtpReceived(new Tessera.Media.Rtp.RtpPacketBuilder
        {
            PayloadType = 96, SequenceNumber = 1, Timestamp = 90_000, Ssrc = Ssrc, Marker = true, Payload = payload,
            Extensions = { (4, "0"u8.ToArray()) },
        }.ToArray());

    /// <summary>Three seconds of a 160×120 test pattern, a keyframe each second.</summary>
    public static IReadOnlyList<EncodedFrame> Clip => EncodedVideo.Encode("vp8", seconds: 3, keyframeInterval: 30);
}
