using System.Net;
using Microsoft.Playwright;
using Tessera.Media.Dtls;
using Tessera.Media.Sfu;
using Tessera.Media.Transport;

namespace Tessera.Media.Tests.Interop;

/// <summary>
/// Real headless Chromium (Debian's, installed by scripts/install-test-deps.sh) publishing camera and
/// microphone (fake devices) with two simulcast encodings, and a second page receiving them through
/// the server stack: SDP, ICE-lite, DTLS, SRTP and forwarding must all interoperate.
/// </summary>
public sealed class ChromiumInteropTests
{
    private const string Page = "http://localhost/"; // served by Playwright routing; localhost is a secure context

    [Fact, Trait("Category", "Browser")]
    public async Task Chromium_publishes_simulcast_and_another_page_decodes_it()
    {
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        var certificate = DtlsCertificate.Generate();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection", "--no-sandbox"],
        });
        var context = await browser.NewContextAsync();
        await context.RouteAsync(Page + "**", r => r.FulfillAsync(new() { Body = "<html><body></body></html>", ContentType = "text/html" }));

        var publisherPage = await context.NewPageAsync();
        await publisherPage.GotoAsync(Page);
        string offer = await publisherPage.EvaluateAsync<string>("""
            async () => {
              const stream = await navigator.mediaDevices.getUserMedia({audio: true, video: {width: 640, height: 480}});
              window.pc = new RTCPeerConnection();
              pc.addTransceiver(stream.getAudioTracks()[0], {direction: 'sendonly', streams: [stream]});
              pc.addTransceiver(stream.getVideoTracks()[0], {direction: 'sendonly', streams: [stream],
                sendEncodings: [{rid: 'h'}, {rid: 'l', scaleResolutionDownBy: 2}]});
              const o = await pc.createOffer();
              await pc.setLocalDescription(o);
              return o.sdp;
            }
            """);
        using var up = PublisherConnection.Accept(endpoint, certificate, offer, ["vp8", "opus"]);
        await publisherPage.EvaluateAsync("async sdp => await pc.setRemoteDescription({type: 'answer', sdp})", up.AnswerSdp);

        await Eventually.True(() => up.Tracks.Count == 3, "three tracks (two simulcast layers and audio)");
        Assert.Equal(PeerTransportState.Connected, up.Transport.State);
        Assert.Equal(["0:opus", "1:h:vp8", "1:l:vp8"], up.Tracks.Select(t => $"{t.Id}:{t.Codec.Codec.Name}").Order());

        var receiverPage = await context.NewPageAsync();
        await receiverPage.GotoAsync(Page);
        using var down = new ReceiverConnection(endpoint, certificate, "camera");
        foreach (var track in up.Tracks.Where(t => t.Rid != "l"))
            down.AddTrack(track);
        string answer = await receiverPage.EvaluateAsync<string>("""
            async sdp => {
              window.pc = new RTCPeerConnection();
              await pc.setRemoteDescription({type: 'offer', sdp});
              const a = await pc.createAnswer();
              await pc.setLocalDescription(a);
              return a.sdp;
            }
            """, down.CreateOffer());
        down.ApplyAnswer(answer);

        const string inbound = """
            async kind => {
              const stats = await pc.getStats();
              let result = null;
              stats.forEach(r => { if (r.type === 'inbound-rtp' && r.kind === kind) result = r; });
              return result ? (kind === 'video' ? (result.framesDecoded ?? 0) : result.packetsReceived) : 0;
            }
            """;
        await Eventually.True(async () => await receiverPage.EvaluateAsync<int>(inbound, "video") > 5, "video frames decoded by the receiver");
        await Eventually.True(async () => await receiverPage.EvaluateAsync<int>(inbound, "audio") > 5, "audio packets received by the receiver");
        Assert.Equal("connected", await receiverPage.EvaluateAsync<string>("() => pc.connectionState"));
    }
}
