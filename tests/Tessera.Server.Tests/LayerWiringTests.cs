using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Media.Rtp;
using Tessera.Media.Sfu;
using Tessera.Media.Transport;
using Tessera.Protocol;
using Tessera.Server.Streams;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>
/// protocol.md §12.4–12.6 through the real host: a receiver's request decides what its forwarder's
/// layer selector may choose from (simulcast fallback encodings, the video-low spatial ceiling).
/// The publisher's media is handed to its transport already decrypted (no browser here).
/// </summary>
public sealed class LayerWiringTests
{
    private static string VideoOffer(string codecLines, bool simulcast) => string.Join("\r\n", new[]
    {
        "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
        "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0",
        "a=ice-ufrag:Ab1c", "a=ice-pwd:q8Zr2Kp0Wm4Tn6Vb1Xc3Yd5E", "a=fingerprint:" + ReceiverSdp.Fingerprint,
        "a=setup:actpass", "a=mid:0", "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
        "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "a=sendonly", "a=msid:s1 v1", "a=rtcp-mux",
        codecLines, "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli", "a=rtcp-fb:96 goog-remb",
    }.Concat(simulcast ? ["a=rid:h send", "a=rid:l send", "a=simulcast:send h;l"] : ["a=ssrc:2001 cname:abc"]).Append(""));

    private static byte[] Packet(uint ssrc, string? rid, byte[] payload)
    {
        var b = new RtpPacketBuilder { PayloadType = 96, SequenceNumber = 1, Timestamp = 3000, Ssrc = ssrc, Payload = payload };
        b.Extensions.Add((4, "0"u8.ToArray()));
        if (rid is not null)
            b.Extensions.Add((10, System.Text.Encoding.ASCII.GetBytes(rid)));
        return b.ToArray();
    }

    private static async Task<TrackForwarder> ForwarderAsync(TestServer s, WsClient receiver, string setup = "active")
    {
        var offer = await receiver.ReceiveAsync("offer");
        await receiver.SendAsync(new JsonObject { ["type"] = "answer", ["id"] = "up1", ["sdp"] = ReceiverSdp.AnswerFor(offer.Str("sdp")!, setup) });
        await receiver.RoundTripAsync();
        var sfu = (SfuSignalling)s.Services.GetRequiredService<IStreamSignalling>();
        return sfu.DeliveredStreams.Single().Connection.Forwarders.Single();
    }

    private static async Task RequestStreamAsync(WsClient receiver, string words)
    {
        await receiver.SendAsync(Json.Obj($$"""{"type": "requestStream", "id": "up1", "request": {{words}}}"""));
        await receiver.RoundTripAsync();
    }

    private const string OpenGroup = """{"wildcard-user": {"password": "w", "permissions": "present"}}""";

    /// <summary>Publisher p and receiver r joined to group g; r asks for <paramref name="request"/>, p offers one video stream, answered.</summary>
    private static async Task<(WsClient Publisher, WsClient Receiver, PublishedStream Up)> PublishAsync(
        TestServer s, string request, string codecLines, bool simulcast)
    {
        var p = await s.JoinAsync("g", "p", "w");
        var r = await s.JoinAsync("g", "r", "w");
        await r.SendAsync(Json.Obj($$$"""{"type": "request", "request": {"": {{{request}}}}}"""));
        await p.SendAsync(new JsonObject { ["type"] = "offer", ["id"] = "up1", ["label"] = "camera", ["sdp"] = VideoOffer(codecLines, simulcast) });
        await p.ReceiveAsync("answer");
        return (p, r, ((SfuSignalling)s.Services.GetRequiredService<IStreamSignalling>()).PublishedStreams.Single());
    }

    [Fact]
    public async Task A_receiver_that_answers_passive_is_served_with_the_server_as_dtls_client()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", OpenGroup));
        var (p, r, up) = await PublishAsync(s, """["video"]""", "a=rtpmap:96 VP8/90000", simulcast: false);
        await using var _ = p;
        await using var __ = r;
        ((IMediaReceiver)up.Connection).RtpReceived(Packet(2001, null, [0x10, 0x00, 0x9D]));

        // Before, such an answer was aborted ("would make us the DTLS client"); now it gets a forwarder.
        var forwarder = await ForwarderAsync(s, r, setup: "passive");
        Assert.Same(up.Tracks.Single(), forwarder.Source);
        var sfu = (SfuSignalling)s.Services.GetRequiredService<IStreamSignalling>();
        Assert.Equal(Tessera.Media.Dtls.DtlsRole.Client, sfu.DeliveredStreams.Single().Connection.Transport.LocalDtlsRole);
    }

    [Fact]
    public async Task A_receiver_of_the_high_encoding_may_fall_back_to_the_low_one_unless_it_asked_for_video_low()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", OpenGroup));
        var (p, r, up) = await PublishAsync(s, """["video"]""", "a=rtpmap:96 VP8/90000", simulcast: true);
        await using var _ = p;
        await using var __ = r;
        ((IMediaReceiver)up.Connection).RtpReceived(Packet(0x1111, "h", [0x10, 0x00, 0x9D]));
        ((IMediaReceiver)up.Connection).RtpReceived(Packet(0x2222, "l", [0x10, 0x00, 0x9D]));
        var high = up.Tracks.Single(t => t.Rid == "h");
        var low = up.Tracks.Single(t => t.Rid == "l");

        var forwarder = await ForwarderAsync(s, r);
        Assert.Same(high, forwarder.Source);
        Assert.Equal([low, high], forwarder.Encodings);
        Assert.Null(forwarder.SpatialCeiling); // two video tracks: video-low would pick the l track instead

        await RequestStreamAsync(r, """["video-low"]""");
        Assert.Same(low, forwarder.PendingSource);
        Assert.Empty(forwarder.Encodings);
    }

    [Fact]
    public async Task Video_low_on_a_single_vp9_track_caps_its_spatial_layers()
    {
        const string group = """{"wildcard-user": {"password": "w", "permissions": "present"}, "codecs": ["vp9", "opus"]}""";
        await using var s = await TestServer.StartAsync(f => f.Group("g", group));
        var (p, r, up) = await PublishAsync(s, """["audio", "video-low"]""", "a=rtpmap:96 VP9/90000\r\na=fmtp:96 profile-id=0", simulcast: false);
        await using var _ = p;
        await using var __ = r;
        ((IMediaReceiver)up.Connection).RtpReceived(Packet(2001, null, [0x28, 0x00, 0x00, 0x00]));
        Assert.Equal("vp9", up.Tracks.Single().Codec.Codec.Name);

        var forwarder = await ForwarderAsync(s, r);
        Assert.Equal(0, forwarder.SpatialCeiling);
        Assert.Empty(forwarder.Encodings);

        await RequestStreamAsync(r, """["video"]""");
        Assert.Null(forwarder.SpatialCeiling);
    }

    [Fact]
    public async Task Stats_show_the_temporal_layer_each_receiver_is_given_out_of_those_the_source_sends()
    {
        const string config = """{"users": {"root": {"password": "rootpw", "permissions": "admin"}}}""";
        await using var s = await TestServer.StartAsync(f => { f.Config(config); f.Group("g", OpenGroup); });
        var (p, r, up) = await PublishAsync(s, """["video"]""", "a=rtpmap:96 VP8/90000", simulcast: false);
        await using var _ = p;
        await using var __ = r;
        // VP8 with a temporal-layer index (descriptor X and T bits): layers 0, 1 and 2, as a browser's L1T3.
        for (ushort seq = 1; seq <= 30; seq++)
        {
            byte tid = (byte)(seq % 3);
            var b = new RtpPacketBuilder { PayloadType = 96, SequenceNumber = seq, Timestamp = 3000u * seq, Ssrc = 2001, Payload = [0x90, 0x20, (byte)(tid << 6), 0x00, 0x00, 0x9D] };
            b.Extensions.Add((4, "0"u8.ToArray()));
            ((IMediaReceiver)up.Connection).RtpReceived(b.ToArray());
        }
        var forwarder = await ForwarderAsync(s, r);
        forwarder.MaxTemporalLayer = 1;

        // The source's layers are measured over completed quarter-second slots of the media clock:
        // read until the packets above have been counted.
        var admin = Tessera.Server.Tests.Admin.AdminClient.Basic(s.Http, "root", "rootpw");
        // The one track of group g's one client with streams on that side ("up" or "down").
        static JsonNode Track(JsonNode stats, string side) =>
            stats.AsArray().Single(g => (string)g!["name"]! == "g")!["clients"]!.AsArray()
                 .Single(c => c![side] is JsonArray { Count: > 0 })![side]!.AsArray().Single()!["tracks"]!.AsArray().Single()!;
        static JsonNode Down(JsonNode stats) => Track(stats, "down");
        static JsonNode Up(JsonNode stats) => Track(stats, "up");
        // Each side takes its own snapshot of the source's sliding window, so one answer can hold the
        // layers on one side only when it is read as the packets above age out: wait for both.
        var stats = await Eventually.Value(() => admin.GetJsonAsync(".stats"),
            st => Down(st)["maxTid"] is not null && Up(st)["maxTid"] is not null, "the layers counted");
        var track = Down(stats);
        Assert.Equal(1, (int)track["tid"]!);
        Assert.Equal(2, (int)track["maxTid"]!);
        Assert.Null(track["sid"]); // one spatial layer: nothing to say
        Assert.Equal(2, (int)Up(stats)["maxTid"]!);
    }
}
