using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Media.Rtp;
using Tessera.Media.Sdp;
using Tessera.Media.Transport;
using Tessera.Protocol;
using Tessera.Server.Streams;
using Tessera.Server.Tests.Support;

using static Tessera.Server.Tests.Support.PublisherSdp;

namespace Tessera.Server.Tests;

/// <summary>
/// protocol.md §12.8, last bullet: when the server's side of a down stream fails (here: ICE consent
/// expiring under a shifted clock, checked explicitly), the server re-offers it with an ICE restart,
/// or pushes it afresh when the transport cannot be revived, and never has two offers outstanding.
/// The publisher's media is handed to its transport already decrypted (no browser here).
/// </summary>
public sealed class DeliveredStreamRecoveryTests
{
    private const string Group = """{"wildcard-user": {"password": "w", "permissions": "present"}}""";
    private const string Fingerprint = ReceiverSdp.Fingerprint;

    private static string AnswerFor(string offerSdp) => ReceiverSdp.AnswerFor(offerSdp);

    private sealed class Room : IAsyncDisposable
    {
        public required TestServer Server { get; init; }
        public required WsClient Publisher { get; init; }
        public required WsClient Receiver { get; init; }
        public required ShiftedTime Clock { get; init; }
        public MediaPlane Plane => Server.Services.GetRequiredService<MediaPlane>();

        /// <summary>Lets the consent of every ICE agent lapse and has the endpoint notice.</summary>
        public void ExpireConsent()
        {
            Clock.Offset += TimeSpan.FromSeconds(31);
            Plane.Multiplexer.CheckTimeouts();
        }

        public async ValueTask DisposeAsync()
        {
            await Receiver.DisposeAsync();
            await Publisher.DisposeAsync();
            await Server.DisposeAsync();
        }
    }

    /// <summary>A publisher with one audio track that has delivered a packet, and a receiver that asked for audio and got the offer.</summary>
    private static async Task<(Room Room, JsonObject Offer)> PublishedAsync()
    {
        var clock = new ShiftedTime();
        var server = await TestServer.StartAsync(f => f.Group("g", Group), time: clock);
        var publisher = await server.JoinAsync("g", "p", "w");
        var receiver = await server.JoinAsync("g", "r", "w");
        var room = new Room { Server = server, Publisher = publisher, Receiver = receiver, Clock = clock };
        await receiver.SendAsync(Json.Obj("""{"type": "request", "request": {"": ["audio"]}}"""));
        await publisher.SendAsync(new JsonObject { ["type"] = "offer", ["id"] = "up1", ["label"] = "camera", ["sdp"] = AudioOffer() });
        await publisher.ReceiveAsync("answer");

        var sfu = (SfuSignalling)server.Services.GetRequiredService<IStreamSignalling>();
        var up = sfu.PublishedStreams.Single(u => u.Id == "up1");
        var packet = new RtpPacketBuilder { PayloadType = 111, SequenceNumber = 1, Timestamp = 960, Ssrc = 1001, Payload = [1, 2, 3] };
        packet.Extensions.Add((4, "0"u8.ToArray()));
        ((IMediaReceiver)up.Connection).RtpReceived(packet.ToArray()); // as if decrypted from the publisher
        var offer = await receiver.ReceiveAsync("offer");
        Assert.Equal("up1", offer.Str("id"));
        return (room, offer);
    }

    [Fact]
    public async Task A_failed_down_stream_is_reoffered_with_an_ice_restart()
    {
        var (room, offer) = await PublishedAsync();
        await using var _ = room;
        await room.Receiver.SendAsync(new JsonObject { ["type"] = "answer", ["id"] = "up1", ["sdp"] = AnswerFor(offer.Str("sdp")!) });
        await room.Receiver.RoundTripAsync(); // the answer is applied: DTLS now waits for the browser

        room.ExpireConsent();

        var restart = await room.Receiver.ReceiveAsync("offer");
        Assert.Equal("up1", restart.Str("id"));
        Assert.Null(restart.Str("replace"));
        Assert.NotEqual(Ufrag(offer), Ufrag(restart));
        Assert.Contains("a=fingerprint:", restart.Str("sdp"));
        await room.Receiver.AssertNothingBeforePongAsync("close");

        // The browser answers the restart; a later failure is re-offered again.
        await room.Receiver.SendAsync(new JsonObject { ["type"] = "answer", ["id"] = "up1", ["sdp"] = AnswerFor(restart.Str("sdp")!) });
        room.ExpireConsent();
        var again = await room.Receiver.ReceiveAsync("offer");
        Assert.NotEqual(Ufrag(restart), Ufrag(again));
    }

    [Fact]
    public async Task A_failure_while_an_offer_is_outstanding_waits_for_the_answer_and_an_unrevivable_transport_is_pushed_afresh()
    {
        var (room, offer) = await PublishedAsync();
        await using var _ = room;

        // Not answered yet: the transport never started DTLS, so it cannot be revived, and the
        // outstanding offer must be answered before anything else is offered.
        room.ExpireConsent();
        await room.Receiver.AssertNothingBeforePongAsync("offer"); // the consent check ran on this thread: an offer would be queued already

        await room.Receiver.SendAsync(new JsonObject { ["type"] = "answer", ["id"] = "up1", ["sdp"] = AnswerFor(offer.Str("sdp")!) });
        Assert.Equal("up1", (await room.Receiver.ReceiveAsync("close")).Str("id"));
        var fresh = await room.Receiver.ReceiveAsync("offer");
        Assert.Equal("up1", fresh.Str("id"));
        Assert.NotEqual(Ufrag(offer), Ufrag(fresh));
        Assert.Equal("p", fresh.Str("username"));

        // The fresh stream works like any other: answered, and recovered by ICE restart when it fails.
        await room.Receiver.SendAsync(new JsonObject { ["type"] = "answer", ["id"] = "up1", ["sdp"] = AnswerFor(fresh.Str("sdp")!) });
        await room.Receiver.RoundTripAsync();
        room.ExpireConsent();
        var restart = await room.Receiver.ReceiveAsync("offer");
        Assert.NotEqual(Ufrag(fresh), Ufrag(restart));
    }

    [Fact]
    public async Task The_receivers_own_renegotiate_after_consent_expiry_is_answered_with_a_restart_offer()
    {
        var (room, offer) = await PublishedAsync();
        await using var _ = room;
        await room.Receiver.SendAsync(new JsonObject { ["type"] = "answer", ["id"] = "up1", ["sdp"] = AnswerFor(offer.Str("sdp")!) });
        await room.Receiver.RoundTripAsync(); // answer applied before consent lapses
        room.ExpireConsent();
        var first = await room.Receiver.ReceiveAsync("offer");
        // The browser noticed too and asks; the server's offer is outstanding, so nothing more comes.
        await room.Receiver.SendAsync(Json.Obj("""{"type": "renegotiate", "id": "up1"}"""));
        await room.Receiver.AssertNothingBeforePongAsync("offer");
        await room.Receiver.SendAsync(new JsonObject { ["type"] = "answer", ["id"] = "up1", ["sdp"] = AnswerFor(first.Str("sdp")!) });
        var second = await room.Receiver.ReceiveAsync("offer"); // the remembered restart follows the answer
        Assert.NotEqual(Ufrag(first), Ufrag(second));
    }
}
