using System.Text.Json;
using Microsoft.Playwright;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>One RTP stream's counters from a page's getStats() (the fields the tests read).</summary>
public sealed record RtpStats(
    string Kind, string? TrackIdentifier, string? Rid,
    long PacketsReceived, long PacketsSent, double TotalAudioEnergy,
    long PliCount, long FirCount, long FramesDecoded);

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
