using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>Media through the server's SFU between two real browser pages, on loopback.</summary>
[Collection(MediaCollection.Name)]
public sealed class MediaTests(MediaFixture fixture)
{
    [Fact]
    public async Task A_camera_reaches_the_other_page_as_playing_video_and_its_tile_goes_when_the_publisher_leaves()
    {
        await using var pages = await TwoPages.JoinedAsync(fixture.Browser, fixture.GroupUrl("media"));
        var (ada, bob) = (pages.Ada, pages.Bob);

        await MediaPage.Button(ada, "Camera").ClickAsync();

        // Bob's page gets a tile for ada whose video decodes frames and keeps playing.
        var remote = MediaPage.RemoteTile(bob, "ada");
        await Expect(remote).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await MediaPage.ExpectPlayingVideoAsync(bob, "ada");

        // Ada goes away: bob's tile for her disappears.
        await ada.Context.CloseAsync();
        await Expect(remote).ToHaveCountAsync(0, new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task The_receive_preset_decides_whether_a_camera_is_received_and_switching_it_renegotiates()
    {
        await using var pages = await TwoPages.JoinedAsync(fixture.Browser, fixture.GroupUrl("media"));
        var (ada, bob) = (pages.Ada, pages.Bob);
        await MediaPage.ReceiveAsync(bob, "nothing");
        await PageSocket.RoundTripAsync(bob); // bob's request is in force
        await using var witness = await PushWitness.JoinAsync(fixture.Server.BaseUrl, "media");

        await MediaPage.Button(ada, "Camera").ClickAsync();
        await Expect(ada.Locator("figure.tile-local")).ToHaveCountAsync(1);
        var remote = MediaPage.RemoteTile(bob, "ada");
        var pushed = await witness.ReceivedByTheEndOfThePushAsync("ada", "camera", bob, "bob");
        Assert.DoesNotContain(pushed, m => (string?)m["type"] == "offer");
        await Expect(remote).ToHaveCountAsync(0);

        // Asking for everything brings the camera in at once.
        await MediaPage.ReceiveAsync(bob, "everything");
        await MediaPage.ExpectPlayingVideoAsync(bob);

        // Low-resolution video: the same down stream is renegotiated onto the half-size layer (RID l).
        await MediaPage.ReceiveAsync(bob, "low-video");
        await bob.WaitForFunctionAsync("""
            () => [...document.querySelectorAll("figure.tile:not(.tile-local) video")].some(v => v.videoWidth > 0 && v.videoWidth <= 320)
            """, null, new() { Timeout = 20_000 });
        await MediaPage.ExpectPlayingVideoAsync(bob);

        // A camera without microphone has nothing for "audio only": the stream is closed.
        await MediaPage.ReceiveAsync(bob, "audio-only");
        await Expect(remote).ToHaveCountAsync(0, new() { Timeout = 15_000 });

        // And asked for again, it comes back.
        await MediaPage.ReceiveAsync(bob, "everything");
        await MediaPage.ExpectPlayingVideoAsync(bob);

        // The publisher switches the camera off: its stream goes from bob's page.
        await MediaPage.Button(ada, "Camera").ClickAsync();
        await Expect(remote).ToHaveCountAsync(0, new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task Adding_the_microphone_replaces_the_stream_and_the_receiver_swaps_to_the_new_one()
    {
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        var (ada, bob) = (pages.Ada, pages.Bob);
        var received = GroupPage.RecordReceivedFrames(bob);
        await pages.JoinAsync(fixture.GroupUrl("media"));
        await MediaPage.Button(ada, "Camera").ClickAsync();
        await MediaPage.ExpectPlayingVideoAsync(bob);

        await MediaPage.Button(ada, "Microphone").ClickAsync();

        // The new stream's offer names the one it replaces (protocol.md §12.7) and still plays.
        await Eventually.True(() => GroupPage.Parsed(received).Any(m =>
            m.GetProperty("type").GetString() == "offer" && m.TryGetProperty("replace", out _)), "an offer replacing a stream");
        var offers = GroupPage.Parsed(received).Where(m => m.GetProperty("type").GetString() == "offer").ToList();
        var replacing = offers.First(m => m.TryGetProperty("replace", out _));
        Assert.Equal(offers[0].GetProperty("id").GetString(), replacing.GetProperty("replace").GetString());
        Assert.Contains("m=audio", replacing.GetProperty("sdp").GetString());
        var remote = MediaPage.RemoteTile(bob, "ada");
        await Expect(remote).ToHaveCountAsync(1);
        await MediaPage.ExpectPlayingVideoAsync(bob);
    }

    [Fact]
    public async Task A_down_stream_never_has_two_offers_outstanding_and_follows_requestStream_abort_and_bad_answers()
    {
        var ada = await fixture.Browser.NewPageAsync();
        await using var raw = await RawClient.ConnectAsync(fixture.Server.BaseUrl);
        try
        {
            await GroupPage.LoginAsync(ada, fixture.GroupUrl("media"), "ada", "secret");
            await raw.SendAsync(new JsonObject { ["type"] = "join", ["kind"] = "join", ["group"] = "media", ["username"] = "rob", ["password"] = "guest" });
            await raw.ReceiveUntilAsync(m => Type(m) == "joined");
            await MediaPage.Button(ada, "Camera").ClickAsync();
            await raw.SendAsync(Json("""{"type": "request", "request": {"": ["audio", "video"]}}"""));

            var offer = (await raw.ReceiveUntilAsync(m => Type(m) == "offer")).Last();
            string id = (string)offer["id"]!;
            Assert.Equal(("camera", "ada"), ((string?)offer["label"], (string?)offer["username"]));
            Assert.Contains("m=video", (string)offer["sdp"]!);

            // An ICE restart asked for while the offer is unanswered waits for the answer (ping/pong: nothing came before).
            await raw.SendAsync(new JsonObject { ["type"] = "renegotiate", ["id"] = id });
            await raw.SendAsync(Json("""{"type": "ping"}"""));
            Assert.DoesNotContain(await raw.ReceiveUntilAsync(m => Type(m) == "pong"), m => Type(m) == "offer");
            await raw.SendAsync(new JsonObject { ["type"] = "answer", ["id"] = id, ["sdp"] = AnswerTo((string)offer["sdp"]!) });
            var restart = (await raw.ReceiveUntilAsync(m => Type(m) == "offer")).Last();
            Assert.Equal(id, (string?)restart["id"]);
            Assert.NotEqual(Ufrag((string)offer["sdp"]!), Ufrag((string)restart["sdp"]!));
            await raw.SendAsync(new JsonObject { ["type"] = "answer", ["id"] = id, ["sdp"] = AnswerTo((string)restart["sdp"]!) });

            // requestStream for audio only: this camera has none, so the stream is closed.
            await raw.SendAsync(new JsonObject { ["type"] = "requestStream", ["id"] = id, ["request"] = new JsonArray("audio") });
            await raw.ReceiveUntilAsync(m => Type(m) == "close" && (string?)m["id"] == id);

            // A new request brings it back; an abort is answered with close.
            await raw.SendAsync(Json("""{"type": "request", "request": {"": ["video"]}}"""));
            await raw.ReceiveUntilAsync(m => Type(m) == "offer" && (string?)m["id"] == id);
            await raw.SendAsync(new JsonObject { ["type"] = "abort", ["id"] = id });
            await raw.ReceiveUntilAsync(m => Type(m) == "close" && (string?)m["id"] == id);

            // An answer that cannot be applied closes the stream with the failure as an error.
            await raw.SendAsync(Json("""{"type": "request", "request": {"": ["audio", "video"]}}"""));
            await raw.ReceiveUntilAsync(m => Type(m) == "offer" && (string?)m["id"] == id);
            await raw.SendAsync(new JsonObject { ["type"] = "answer", ["id"] = id, ["sdp"] = "garbage" });
            var after = await raw.ReceiveUntilAsync(m => Type(m) == "usermessage" && (string?)m["kind"] == "error");
            Assert.Contains(after, m => Type(m) == "close" && (string?)m["id"] == id);
        }
        finally
        {
            await ada.Context.CloseAsync();
        }

        static string? Type(JsonObject m) => (string?)m["type"];
        static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();
        static string Ufrag(string sdp) => sdp.Split("\r\n").First(l => l.StartsWith("a=ice-ufrag:"));
        // What a browser would answer, minus a working transport: the test only drives signalling.
        static string AnswerTo(string offerSdp) => string.Join("\r\n", offerSdp.Split("\r\n")
            .Where(l => !l.StartsWith("a=candidate") && !l.StartsWith("a=end-of-candidates") && !l.StartsWith("a=ssrc") && !l.StartsWith("a=msid") && !l.StartsWith("a=ice-lite"))
            .Select(l => l switch
            {
                "a=sendonly" => "a=recvonly",
                "a=setup:actpass" => "a=setup:active",
                _ when l.StartsWith("a=ice-ufrag:") => "a=ice-ufrag:Rb0b",
                _ when l.StartsWith("a=ice-pwd:") => "a=ice-pwd:Q3v8Lr2Kp0Wm4Tn6Vb1Xc3Yd",
                _ => l,
            }));
    }
}
