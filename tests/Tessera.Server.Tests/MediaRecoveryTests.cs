using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Server.Media;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>
/// protocol.md §12.8 on the server's side of an up stream: its ICE consent expiring (a shifted clock
/// and an explicit consent check, no real waiting) makes the server ask the publisher to renegotiate,
/// and the publisher's ICE-restart offer is answered with new credentials on the same stream.
/// </summary>
public sealed class MediaRecoveryTests
{
    private const string Group = """{"wildcard-user": {"password": "w", "permissions": "present"}}""";

    private static string AudioOffer(string ufrag) => string.Join("\r\n",
        "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0",
        $"a=ice-ufrag:{ufrag}", "a=ice-pwd:q8Zr2Kp0Wm4Tn6Vb1Xc3Yd5E",
        "a=fingerprint:sha-256 3A:96:6D:57:B2:C2:C7:61:A0:46:3E:1C:97:39:D3:F7:0A:88:A0:B1:EC:03:FB:10:A5:5D:3A:37:AB:DD:02:AA",
        "a=setup:actpass", "a=mid:0", "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=sendonly",
        "a=msid:s1 a1", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1",
        "a=ssrc:1001 cname:abc", "");

    private static JsonObject Offer(string id, string sdp) =>
        new() { ["type"] = "offer", ["id"] = id, ["label"] = "camera", ["sdp"] = sdp };

    private static string Ufrag(JsonObject answer) =>
        answer.Str("sdp")!.Split("\r\n").First(l => l.StartsWith("a=ice-ufrag:"))["a=ice-ufrag:".Length..];

    [Fact]
    public async Task AnUpStreamWhoseConsentExpiresIsAskedToRenegotiateAndItsIceRestartIsAnswered()
    {
        var clock = new ShiftedTime();
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group), time: clock);
        await using var p = await s.JoinAsync("g", "p", "w");
        await p.SendAsync(Offer("up1", AudioOffer("Ab1c")));
        var first = await p.ReceiveAsync("answer");
        var plane = s.Services.GetRequiredService<MediaPlane>();

        plane.Endpoint.CheckTimeouts();
        await p.AssertNothingAsync("renegotiate", TimeSpan.FromMilliseconds(200)); // consent still fresh

        clock.Offset = TimeSpan.FromSeconds(31);
        plane.Endpoint.CheckTimeouts();
        Assert.Equal("up1", (await p.ReceiveAsync("renegotiate")).Str("id"));

        await p.SendAsync(Offer("up1", AudioOffer("Rs7t")));
        var second = await p.ReceiveAsync("answer");
        Assert.Equal("up1", second.Str("id"));
        Assert.NotEqual(Ufrag(first), Ufrag(second));

        // The revived transport fails again when consent lapses again, and says so again.
        clock.Offset = TimeSpan.FromSeconds(62);
        plane.Endpoint.CheckTimeouts();
        Assert.Equal("up1", (await p.ReceiveAsync("renegotiate")).Str("id"));
    }

    [Fact]
    public async Task AClosedUpStreamIsNotAskedToRenegotiate()
    {
        var clock = new ShiftedTime();
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group), time: clock);
        await using var p = await s.JoinAsync("g", "p", "w");
        await p.SendAsync(Offer("up1", AudioOffer("Ab1c")));
        await p.ReceiveAsync("answer");
        await p.SendAsync(Json.Obj("""{"type": "close", "id": "up1"}"""));
        await p.SendAsync(Json.Obj("""{"type": "ping"}"""));
        await p.ReceiveAsync("pong");
        clock.Offset = TimeSpan.FromSeconds(31);
        s.Services.GetRequiredService<MediaPlane>().Endpoint.CheckTimeouts();
        await p.AssertNothingAsync("renegotiate", TimeSpan.FromMilliseconds(300));
    }
}
