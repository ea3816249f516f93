using System.Text.Json;
using Microsoft.Playwright;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// A WHIP encoder made of a real WebRTC stack: a Chromium page (fake camera and microphone) that
/// publishes with <c>fetch</c> and one send-only peer connection, as browser-based WHIP clients do.
/// Written for the tests: Debian's GStreamer has no WHIP element, and its packaged
/// <c>whip-client</c> aborts at start (it loads libsoup 2 and, through libnice, libsoup 3).
/// </summary>
public sealed class WhipBrowserClient
{
    readonly IPage page;

    WhipBrowserClient(IPage page) => this.page = page;

    /// <summary>Installs the client in <paramref name="page"/>, which should already show some page of its origin.</summary>
    public static async Task<WhipBrowserClient> InstallAsync(IPage page)
    {
        await page.EvaluateAsync(Script);
        return new WhipBrowserClient(page);
    }

    /// <summary>POSTs the offer; the answer is applied on 201. Returns status, headers and body text.</summary>
    public async Task<JsonElement> PublishAsync(string endpoint, string? token = null) =>
        await page.EvaluateAsync<JsonElement>("([url, token]) => window.whip.publish(url, token)", new object?[] { endpoint, token });

    /// <summary>Sends the candidates gathered so far in one PATCH; returns its status.</summary>
    public Task<int> TrickleAsync() => page.EvaluateAsync<int>("() => window.whip.trickle()");

    /// <summary>An ICE restart by PATCH (RFC 9725 §4.4.2), applying the server's new credentials.</summary>
    public async Task<JsonElement> RestartIceAsync() => await page.EvaluateAsync<JsonElement>("() => window.whip.restart()");

    /// <summary>A PATCH or DELETE with an explicit If-Match (or none), for the precondition checks.</summary>
    public Task<int> RequestAsync(string method, string? ifMatch, bool withToken = true) =>
        page.EvaluateAsync<int>("([method, ifMatch, withToken]) => window.whip.request(method, ifMatch, withToken)", new object?[] { method, ifMatch, withToken });

    /// <summary>DELETE with the session's token; returns its status and closes the peer connection.</summary>
    public Task<int> StopAsync() => page.EvaluateAsync<int>("() => window.whip.stop()");

    /// <summary>Waits until the peer connection is connected and its video sender has sent more than it had.</summary>
    public async Task ExpectSendingAsync(int timeoutMs = 20_000)
    {
        var before = await page.EvaluateAsync<double>("() => window.whip.videoBytesSent()");
        await page.WaitForFunctionAsync("""
            async (before) => window.whip.pc.connectionState === "connected" && await window.whip.videoBytesSent() > before + 1000
            """, before, new() { Timeout = timeoutMs, PollingInterval = 200 });
    }

    const string Script = """
        () => {
            const field = (text, name) => (new RegExp(`^a=${name}:(.*)$`, "m").exec(text) || [])[1]?.trim();
            window.whip = {
                pc: null, token: null, resource: null, etag: null, answer: null, candidates: [],
                headers(extra) {
                    const headers = { ...extra };
                    if (this.token) headers.Authorization = "Bearer " + this.token;
                    return headers;
                },
                async publish(url, token) {
                    const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
                    const pc = new RTCPeerConnection();
                    this.pc = pc;
                    this.token = token;
                    pc.onicecandidate = (e) => { if (e.candidate) this.candidates.push(e.candidate); };
                    for (const track of media.getTracks()) pc.addTransceiver(track, { direction: "sendonly" });
                    await pc.setLocalDescription(await pc.createOffer());
                    const response = await fetch(url, { method: "POST", headers: this.headers({ "Content-Type": "application/sdp" }), body: pc.localDescription.sdp });
                    const text = await response.text();
                    const result = { status: response.status, text, location: response.headers.get("Location"),
                                     etag: response.headers.get("ETag"), link: response.headers.get("Link") };
                    if (response.status !== 201) return result;
                    this.resource = new URL(result.location, url).href;
                    this.etag = result.etag;
                    this.answer = text;
                    await pc.setRemoteDescription({ type: "answer", sdp: text });
                    return result;
                },
                async trickle() {
                    const mid = this.pc.getTransceivers()[0].mid;
                    const lines = [`a=ice-ufrag:${field(this.pc.localDescription.sdp, "ice-ufrag")}`,
                                   `a=ice-pwd:${field(this.pc.localDescription.sdp, "ice-pwd")}`,
                                   "m=audio 9 UDP/TLS/RTP/SAVPF 0", `a=mid:${mid}`,
                                   ...this.candidates.map((c) => "a=" + c.candidate)];
                    const response = await fetch(this.resource, { method: "PATCH", body: lines.join("\r\n") + "\r\n",
                        headers: this.headers({ "Content-Type": "application/trickle-ice-sdpfrag", "If-Match": this.etag }) });
                    return response.status;
                },
                async restart() {
                    const offer = await this.pc.createOffer({ iceRestart: true });
                    await this.pc.setLocalDescription(offer);
                    const body = `a=ice-ufrag:${field(offer.sdp, "ice-ufrag")}\r\na=ice-pwd:${field(offer.sdp, "ice-pwd")}\r\n`;
                    const response = await fetch(this.resource, { method: "PATCH", body,
                        headers: this.headers({ "Content-Type": "application/trickle-ice-sdpfrag", "If-Match": "*" }) });
                    const text = await response.text();
                    if (response.status !== 200) return { status: response.status, text };
                    const ufrag = field(text, "ice-ufrag"), pwd = field(text, "ice-pwd");
                    const answer = this.answer.replace(/^a=ice-ufrag:.*$/gm, `a=ice-ufrag:${ufrag}`).replace(/^a=ice-pwd:.*$/gm, `a=ice-pwd:${pwd}`);
                    await this.pc.setRemoteDescription({ type: "answer", sdp: answer });
                    const previous = field(this.answer, "ice-ufrag");
                    this.answer = answer;
                    this.etag = response.headers.get("ETag");
                    return { status: 200, text, previousUfrag: previous, ufrag, etag: this.etag };
                },
                async request(method, ifMatch, withToken) {
                    const headers = withToken ? this.headers({}) : {};
                    if (ifMatch) headers["If-Match"] = ifMatch;
                    const response = await fetch(this.resource, { method, headers });
                    return response.status;
                },
                async stop() {
                    const response = await fetch(this.resource, { method: "DELETE", headers: this.headers({}) });
                    this.pc.close();
                    return response.status;
                },
                async videoBytesSent() {
                    let sent = 0;
                    for (const report of (await this.pc.getStats()).values())
                        if (report.type === "outbound-rtp" && report.kind === "video") sent += report.bytesSent;
                    return sent;
                },
            };
        }
        """;
}
