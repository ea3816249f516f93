using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Server.Streams;
using Tessera.Server.Tests.Support;

using static Tessera.Server.Tests.Support.PublisherSdp;

namespace Tessera.Server.Tests;

/// <summary>
/// protocol.md §12.8 on the server's side of an up stream: its ICE consent expiring (a shifted clock
/// and an explicit consent check, no real waiting) makes the server ask the publisher to renegotiate,
/// and the publisher's ICE-restart offer is answered with new credentials on the same stream.
/// </summary>
public sealed class MediaRecoveryTests
{
    private const string Group = """{"wildcard-user": {"password": "w", "permissions": "present"}}""";

    [Fact]
    public async Task An_up_stream_whose_consent_expires_is_asked_to_renegotiate_and_its_ice_restart_is_answered()
    {
        var clock = new ShiftedTime();
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group), time: clock);
        await using var p = await s.JoinAsync("g", "p", "w");
        await p.SendAsync(Offer("up1", AudioOffer("Ab1c")));
        var first = await p.ReceiveAsync("answer");
        var plane = s.Services.GetRequiredService<MediaPlane>();

        plane.Multiplexer.CheckTimeouts();
        await p.AssertNothingBeforePongAsync("renegotiate"); // consent still fresh (the check ran on this thread, so a renegotiate would be queued already)

        clock.Offset = TimeSpan.FromSeconds(31);
        plane.Multiplexer.CheckTimeouts();
        Assert.Equal("up1", (await p.ReceiveAsync("renegotiate")).Str("id"));

        await p.SendAsync(Offer("up1", AudioOffer("Rs7t")));
        var second = await p.ReceiveAsync("answer");
        Assert.Equal("up1", second.Str("id"));
        Assert.NotEqual(Ufrag(first), Ufrag(second));

        // The revived transport fails again when consent lapses again, and says so again.
        clock.Offset = TimeSpan.FromSeconds(62);
        plane.Multiplexer.CheckTimeouts();
        Assert.Equal("up1", (await p.ReceiveAsync("renegotiate")).Str("id"));
    }

    [Fact]
    public async Task A_closed_up_stream_is_not_asked_to_renegotiate()
    {
        var clock = new ShiftedTime();
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group), time: clock);
        await using var p = await s.JoinAsync("g", "p", "w");
        await p.SendAsync(Offer("up1", AudioOffer("Ab1c")));
        await p.ReceiveAsync("answer");
        await p.SendAsync(Json.Obj("""{"type": "close", "id": "up1"}"""));
        await p.RoundTripAsync();
        clock.Offset = TimeSpan.FromSeconds(31);
        s.Services.GetRequiredService<MediaPlane>().Multiplexer.CheckTimeouts();
        await p.AssertNothingBeforePongAsync("renegotiate");
    }
}
