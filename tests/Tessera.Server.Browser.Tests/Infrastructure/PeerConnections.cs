using System.Text.Json;
using Microsoft.Playwright;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>One RTP stream's counters from a page's getStats() (the fields the tests read).</summary>
public sealed record RtpStats(
    string Kind, string? TrackIdentifier, string? Rid,
    long PacketsReceived, long PacketsSent, double TotalAudioEnergy,
    long PliCount, long FirCount, long FramesDecoded);

/// <summary>The candidate pair a peer connection selected, as its getStats() reports it.</summary>
/// <param name="RelayUrl">For a relayed local candidate, the TURN server URL it came from.</param>
public sealed record SelectedPair(
    string LocalType, string LocalProtocol, string? RelayProtocol, string? RelayUrl, string RemoteType, string RemoteProtocol, long BytesReceived);

/// <summary>
/// Access to the peer connections a page creates, without test hooks in the product: an init
/// script replaces RTCPeerConnection by a subclass that remembers every instance.
/// </summary>
public static class PeerConnections
{
    const string Recorder = """
        (() => {
            const Native = window.RTCPeerConnection;
            if (!Native || window.__testPcs) return;
            const instances = [];
            Object.defineProperty(window, "__testPcs", { value: instances });
            window.RTCPeerConnection = class extends Native {
                constructor(...args) {
                    super(...args);
                    instances.push(this);
                }
            };
        })();
        """;

    const string Collect = """
        async (type) => {
            const found = [];
            for (const pc of window.__testPcs || []) {
                if (pc.signalingState === "closed") continue;
                const report = await pc.getStats();
                report.forEach((s) => {
                    if (s.type !== type) return;
                    found.push({
                        kind: s.kind, trackIdentifier: s.trackIdentifier ?? null, rid: s.rid ?? null,
                        packetsReceived: s.packetsReceived ?? 0, packetsSent: s.packetsSent ?? 0,
                        totalAudioEnergy: s.totalAudioEnergy ?? 0, pliCount: s.pliCount ?? 0,
                        firCount: s.firCount ?? 0, framesDecoded: s.framesDecoded ?? 0,
                    });
                });
            }
            return found;
        }
        """;

    const string Selected = """
        async () => {
            const found = [];
            for (const pc of window.__testPcs || []) {
                if (pc.connectionState !== "connected") continue;
                const report = await pc.getStats();
                report.forEach((t) => {
                    if (t.type !== "transport" || !t.selectedCandidatePairId) return;
                    const pair = report.get(t.selectedCandidatePairId);
                    const local = report.get(pair.localCandidateId);
                    const remote = report.get(pair.remoteCandidateId);
                    found.push({
                        localType: local.candidateType, localProtocol: local.protocol, relayProtocol: local.relayProtocol ?? null,
                        relayUrl: local.url ?? null,
                        remoteType: remote.candidateType, remoteProtocol: remote.protocol, bytesReceived: pair.bytesReceived ?? 0,
                    });
                });
            }
            return found;
        }
        """;

    // Runs before the client: every peer connection it makes is relay-only, as -relay-only would make it.
    const string RelayOnly = """
        (() => {
            const Native = window.RTCPeerConnection;
            window.RTCPeerConnection = class extends Native {
                constructor(config, ...rest) {
                    super({ ...(config || {}), iceTransportPolicy: "relay" }, ...rest);
                }
            };
        })();
        """;

    // Runs before the client: every peer connection it makes keeps only the turns: URLs it is given.
    /// <summary>Keeps only the TURN URLs that match a regular expression (its source is the script's argument).</summary>
    const string KeepTurnUrls = """
        (pattern) => {
            const keep = new RegExp(pattern);
            const Native = window.RTCPeerConnection;
            window.RTCPeerConnection = class extends Native {
                constructor(config, ...rest) {
                    const iceServers = ((config && config.iceServers) || [])
                        .map((s) => ({ ...s, urls: [].concat(s.urls).filter((u) => keep.test(u)) }))
                        .filter((s) => s.urls.length > 0);
                    super({ ...(config || {}), iceServers }, ...rest);
                }
            };
        }
        """;

    /// <summary>TURN over TLS only.</summary>
    public const string TurnsUrls = "^turns:";

    /// <summary>TURN over UDP only (no <c>transport=tcp</c>, no <c>turns:</c>).</summary>
    public const string UdpTurnUrls = "^turn:(?!.*transport=tcp)";

    /// <summary>Makes the page's peer connections relay-only; before <see cref="RecordAsync"/> and before the page loads.</summary>
    /// <param name="keepTurnUrls">When given, every TURN URL that does not match this regular expression is dropped, so the relay is reached that way or not at all.</param>
    public static async Task ForceRelayAsync(IPage page, string? keepTurnUrls = null)
    {
        if (keepTurnUrls is not null)
            await page.AddInitScriptAsync($"({KeepTurnUrls})({JsonSerializer.Serialize(keepTurnUrls)});");
        await page.AddInitScriptAsync(RelayOnly);
    }

    /// <summary>The selected candidate pair of each connected peer connection of the page.</summary>
    public static async Task<IReadOnlyList<SelectedPair>> SelectedPairsAsync(IPage page)
    {
        var all = await page.EvaluateAsync<JsonElement>(Selected);
        return all.EnumerateArray()
            .Select(p => new SelectedPair(
                p.GetProperty("localType").GetString() ?? "", p.GetProperty("localProtocol").GetString() ?? "",
                p.GetProperty("relayProtocol").GetString(), p.GetProperty("relayUrl").GetString(), p.GetProperty("remoteType").GetString() ?? "",
                p.GetProperty("remoteProtocol").GetString() ?? "", p.GetProperty("bytesReceived").GetInt64()))
            .ToList();
    }

    /// <summary>Must be called before the page loads the client.</summary>
    public static Task RecordAsync(IPage page) => page.AddInitScriptAsync(Recorder);

    /// <summary>The inbound-rtp streams of the given kind on the page's open peer connections.</summary>
    public static Task<IReadOnlyList<RtpStats>> InboundAsync(IPage page, string kind) => StatsAsync(page, "inbound-rtp", kind);

    /// <summary>The outbound-rtp streams (one per simulcast layer) of the given kind.</summary>
    public static Task<IReadOnlyList<RtpStats>> OutboundAsync(IPage page, string kind) => StatsAsync(page, "outbound-rtp", kind);

    static async Task<IReadOnlyList<RtpStats>> StatsAsync(IPage page, string type, string kind)
    {
        var all = await page.EvaluateAsync<JsonElement>(Collect, type);
        return all.EnumerateArray()
            .Select(s => new RtpStats(
                s.GetProperty("kind").GetString() ?? "",
                s.GetProperty("trackIdentifier").GetString(),
                s.GetProperty("rid").GetString(),
                s.GetProperty("packetsReceived").GetInt64(),
                s.GetProperty("packetsSent").GetInt64(),
                s.GetProperty("totalAudioEnergy").GetDouble(),
                s.GetProperty("pliCount").GetInt64(),
                s.GetProperty("firCount").GetInt64(),
                s.GetProperty("framesDecoded").GetInt64()))
            .Where(s => s.Kind == kind)
            .ToList();
    }
}
