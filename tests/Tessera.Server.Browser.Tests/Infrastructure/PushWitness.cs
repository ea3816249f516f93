using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// A member played by the test (rob) that asks for every stream and answers none, to tell when
/// the server has pushed a stream. The server pushes a stream to every member at once, under the
/// group's lock; a message rob then sends to a page is relayed under the same lock, so it reaches
/// the page after anything the push queued for it. What the page received before rob's message is
/// therefore all that push gave it: "nothing came" is read, not waited for.
/// </summary>
public sealed class PushWitness : IAsyncDisposable
{
    readonly RawClient raw;
    readonly List<JsonObject> seen = [];

    PushWitness(RawClient raw) => this.raw = raw;

    /// <summary>Joins before anything is published, so that every offer it gets comes from a push.</summary>
    public static async Task<PushWitness> JoinAsync(string baseUrl, string group)
    {
        var raw = await RawClient.ConnectAsync(baseUrl);
        var witness = new PushWitness(raw);
        try
        {
            await raw.SendAsync(new JsonObject { ["type"] = "join", ["kind"] = "join", ["group"] = group, ["username"] = "rob", ["password"] = "guest" });
            witness.seen.AddRange(await raw.ReceiveUntilAsync(m => Type(m) == "joined"));
            await raw.SendAsync(JsonNode.Parse("""{"type": "request", "request": {"": ["audio", "video"]}}""")!.AsObject());
            await raw.SendAsync(new JsonObject { ["type"] = "ping" });
            witness.seen.AddRange(await raw.ReceiveUntilAsync(m => Type(m) == "pong")); // the request is in force
            return witness;
        }
        catch
        {
            await raw.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until the server pushes <paramref name="username"/>'s stream labelled <paramref name="label"/>
    /// (the witness is offered it), then returns what <paramref name="page"/>, logged in as
    /// <paramref name="pageUser"/>, had received by the end of that push.
    /// </summary>
    public async Task<List<JsonObject>> ReceivedByTheEndOfThePushAsync(string username, string label, IPage page, string pageUser)
    {
        seen.AddRange(await raw.ReceiveUntilAsync(m => Type(m) == "offer" && (string?)m["username"] == username && (string?)m["label"] == label));
        var pageId = (string?)seen.Last(m => Type(m) == "user" && (string?)m["kind"] is "add" or "change" && (string?)m["username"] == pageUser)["id"];
        var marker = Guid.NewGuid().ToString("N");
        await raw.SendAsync(new JsonObject { ["type"] = "usermessage", ["kind"] = "test-marker", ["dest"] = pageId, ["value"] = marker });
        var received = await Eventually.Value(() => PageSocket.ReceivedAsync(page), all => all.Any(IsMarker), $"rob's marker at {pageUser}'s page");
        return received.TakeWhile(m => !IsMarker(m)).ToList();

        bool IsMarker(JsonObject m) => Type(m) == "usermessage" && (string?)m["value"] == marker;
    }

    static string? Type(JsonObject m) => (string?)m["type"];

    public ValueTask DisposeAsync() => raw.DisposeAsync();
}
