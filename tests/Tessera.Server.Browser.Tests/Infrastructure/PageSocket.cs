using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// The page's own protocol connection, without test hooks in the product: an init script replaces
/// WebSocket by a subclass that remembers every instance, what it received, and how many pings it
/// sent and pongs it got.
/// </summary>
public static class PageSocket
{
    const string Recorder = """
        (() => {
            const Native = window.WebSocket;
            if (!Native || window.__testSockets) return;
            const sockets = [];
            Object.defineProperty(window, "__testSockets", { value: sockets });
            const type = (data) => {
                try {
                    return JSON.parse(data).type;
                } catch {
                    return null;
                }
            };
            window.WebSocket = class extends Native {
                constructor(...args) {
                    super(...args);
                    this.testReceived = [];
                    this.testPings = 0;
                    this.testPongs = 0;
                    this.addEventListener("message", (e) => {
                        this.testReceived.push(e.data);
                        if (type(e.data) === "pong") this.testPongs++;
                    });
                    sockets.push(this);
                }
                send(data) {
                    if (type(data) === "ping") this.testPings++;
                    super.send(data);
                }
            };
        })();
        """;

    const string Current = """
        const current = () => {
            const socket = window.__testSockets?.findLast((s) => s.readyState === WebSocket.OPEN);
            if (!socket) throw new Error("the page has no open connection (was PageSocket.RecordAsync called before it loaded?)");
            return socket;
        };
        """;

    // Every ping is answered in order, so once as many pongs came as pings went, ours is answered
    // too (the page pings by itself after a silence).
    const string RoundTrip = $$"""
        async () => {
            {{Current}}
            const socket = current();
            socket.send(JSON.stringify({ type: "ping" }));
            const pings = socket.testPings;
            await new Promise((resolve, reject) => {
                const check = () => {
                    if (socket.testPongs < pings) return;
                    socket.removeEventListener("message", check);
                    resolve();
                };
                socket.addEventListener("message", check);
                socket.addEventListener("close", () => reject(new Error("the connection closed before the pong")));
            });
        }
        """;

    const string Received = $$"""
        () => {
            {{Current}}
            return current().testReceived;
        }
        """;

    /// <summary>Must be called before the page loads the client.</summary>
    public static Task RecordAsync(IPage page) => page.AddInitScriptAsync(Recorder);

    /// <summary>
    /// Sends a ping on the page's connection and waits for its pong. The server handles a
    /// connection's messages in order and queues what each causes before it handles the next, so
    /// once the pong is back, what the page sent before (a request, say) is in force.
    /// </summary>
    public static Task RoundTripAsync(IPage page) =>
        Eventually.Completes(page.EvaluateAsync(RoundTrip), "the pong to the page's ping");

    /// <summary>Every message the page's connection received so far, in order.</summary>
    public static async Task<List<JsonObject>> ReceivedAsync(IPage page) =>
        (await page.EvaluateAsync<string[]>(Received)).Select(text => JsonNode.Parse(text)!.AsObject()).ToList();
}
