using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Protocol;
using Tessera.Protocol.Groups;
using Tessera.Server.Streams;
using Tessera.Server.Tests.Support;

using static Tessera.Server.Tests.Support.PublisherSdp;

namespace Tessera.Server.Tests;

/// <summary>Stream signalling (protocol.md §12) against the real host, without a browser: no media ever flows here.</summary>
public sealed class MediaSignallingTests
{
    private const string Group = """{"wildcard-user": {"password": "w", "permissions": "present"}, "users": {"op": {"password": "o", "permissions": "op"}}}""";

    [Fact]
    public async Task Garbage_sdp_is_aborted_with_the_failure_text()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "p", "w");
        await c.SendAsync(Offer("up1", "not an sdp"));
        Assert.Equal("up1", (await c.ReceiveAsync("abort")).Str("id"));
        var error = await c.ReceiveAsync("usermessage");
        Assert.Equal("error", error.Str("kind"));
        Assert.False(string.IsNullOrWhiteSpace(error.Str("value")));
        Assert.Equal(WebSocketState.Open, c.State);
    }

    [Fact]
    public async Task A_valid_offer_is_answered_with_loopback_candidates_only()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "p", "w");
        await c.SendAsync(Offer("up1", AudioOffer()));
        var answer = await c.ReceiveAsync("answer");
        Assert.Equal("up1", answer.Str("id"));
        var sdp = answer.Str("sdp")!;
        Assert.Contains("a=recvonly", sdp);
        var candidates = sdp.Split("\r\n").Where(l => l.StartsWith("a=candidate:")).ToList();
        Assert.NotEmpty(candidates);
        Assert.All(candidates, l => Assert.Contains(" 127.0.0.1 ", l));
    }

    [Fact]
    public async Task A_renegotiation_of_the_same_id_is_answered_again()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "p", "w");
        await c.SendAsync(Offer("up1", AudioOffer()));
        await c.ReceiveAsync("answer");
        await c.SendAsync(Offer("up1", AudioOffer("Zz9y")));
        Assert.Equal("up1", (await c.ReceiveAsync("answer")).Str("id"));
    }

    [Fact]
    public async Task A_stream_without_media_is_never_pushed_and_closing_it_tells_nobody()
    {
        // The push waits on the server's clock: moved by hand, a push is either done when it returns or never comes.
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group), time: clock);
        await using var p = await s.JoinAsync("g", "p", "w");
        await using var r = await s.JoinAsync("g", "r", "w");
        await r.SendAsync(Json.Obj("""{"type": "request", "request": {"": ["audio", "video"]}}"""));
        await r.RoundTripAsync();
        await p.SendAsync(Offer("up1", AudioOffer()));
        await p.ReceiveAsync("answer");
        clock.Advance(SfuSignalling.PushDelay * 5);
        await r.AssertNothingBeforePongAsync("offer");
        await p.SendAsync(Json.Obj("""{"type": "close", "id": "up1"}"""));
        // p's pong proves the close was handled; r's ping, sent after, is answered after anything it queued for r.
        await p.RoundTripAsync();
        await r.AssertNothingBeforePongAsync("close");
    }

    [Fact]
    public async Task Each_group_keeps_its_own_streams_under_the_same_ids()
    {
        await using var s = await TestServer.StartAsync(f => { f.Group("a", Group); f.Group("b", Group); });
        await using var inA = await s.JoinAsync("a", "p", "w");
        await using var inB = await s.JoinAsync("b", "p", "w");
        // Stream ids need only be unique within a group: the same id in another group is answered.
        await inA.SendAsync(Offer("up1", AudioOffer()));
        await inB.SendAsync(Offer("up1", AudioOffer()));
        Assert.Equal("up1", (await inA.ReceiveAsync("answer")).Str("id"));
        Assert.Equal("up1", (await inB.ReceiveAsync("answer")).Str("id"));

        var sfu = (SfuSignalling)s.Services.GetRequiredService<IStreamSignalling>();
        var registry = s.Services.GetRequiredService<GroupRegistry>();
        var a = sfu.For(registry.Find("a")!);
        var b = sfu.For(registry.Find("b")!);
        Assert.NotSame(a, b);
        Assert.Equal(inA.Id, a.PublishedStreams.Single().Publisher.Id);
        Assert.Equal(inB.Id, b.PublishedStreams.Single().Publisher.Id);

        // Leaving one group closes its streams only.
        await inA.CloseNormallyAsync();
        await Eventually.True(() => a.PublishedStreams.Count == 0, "group a's streams closed");
        Assert.Single(b.PublishedStreams);
    }

    [Fact]
    public async Task Answers_and_aborts_for_unknown_down_streams_get_close()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "p", "w");
        await c.SendAsync(Json.Obj("""{"type": "answer", "id": "nope", "sdp": "v=0"}"""));
        Assert.Equal("nope", (await c.ReceiveAsync("close")).Str("id"));
        await c.SendAsync(Json.Obj("""{"type": "abort", "id": "gone"}"""));
        Assert.Equal("gone", (await c.ReceiveAsync("close")).Str("id"));
    }

    [Fact]
    public async Task Request_stream_for_an_unknown_stream_is_an_error_not_fatal()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "p", "w");
        await c.SendAsync(Json.Obj("""{"type": "requestStream", "id": "nope", "request": ["audio"]}"""));
        Assert.Equal("unknown stream", (await c.ReceiveAsync("usermessage")).Str("value"));
        Assert.Equal(WebSocketState.Open, c.State);
    }

    [Fact]
    public async Task Trickled_candidates_and_unknown_closes_and_renegotiates_are_ignored()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "p", "w");
        await c.SendAsync(Json.Obj("""{"type": "ice", "id": "x", "candidate": {"candidate": "candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host", "sdpMid": "0", "sdpMLineIndex": 0}}"""));
        await c.SendAsync(Json.Obj("""{"type": "close", "id": "x"}"""));
        await c.SendAsync(Json.Obj("""{"type": "renegotiate", "id": "x"}"""));
        await c.AssertNothingBeforePongAsync("usermessage");
    }

    [Fact]
    public async Task Unpresent_aborts_the_publishers_streams_with_permission_denied()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var p = await s.JoinAsync("g", "p", "w");
        await using var op = await s.JoinAsync("g", "op", "o");
        await p.SendAsync(Offer("up1", AudioOffer()));
        await p.ReceiveAsync("answer");
        await op.SendAsync(new JsonObject { ["type"] = "useraction", ["kind"] = "unpresent", ["source"] = op.Id, ["dest"] = p.Id });
        Assert.Equal("up1", (await p.ReceiveAsync("abort")).Str("id"));
        Assert.Equal("permission denied", (await p.ReceiveAsync("usermessage", where: m => m.Str("kind") == "error")).Str("value"));
    }

    [Fact]
    public async Task Replacing_a_stream_removes_the_old_one()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var p = await s.JoinAsync("g", "p", "w");
        await p.SendAsync(Offer("up1", AudioOffer()));
        await p.ReceiveAsync("answer");
        await p.SendAsync(Offer("up2", AudioOffer("Qq1w"), replace: "up1"));
        Assert.Equal("up2", (await p.ReceiveAsync("answer")).Str("id"));
        // up1 no longer exists: a renegotiation with its id is a new stream, which is answered afresh.
        await p.SendAsync(Offer("up1", AudioOffer("Rr2e")));
        Assert.Equal("up1", (await p.ReceiveAsync("answer")).Str("id"));
    }

    [Fact]
    public async Task An_id_already_published_by_another_member_is_refused()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var p1 = await s.JoinAsync("g", "p1", "w");
        await using var p2 = await s.JoinAsync("g", "p2", "w");
        await p1.SendAsync(Offer("up1", AudioOffer()));
        await p1.ReceiveAsync("answer");
        await p2.SendAsync(Offer("up1", AudioOffer("Ww3r")));
        Assert.Equal("up1", (await p2.ReceiveAsync("abort")).Str("id"));
        Assert.Equal("adding duplicate connection", (await p2.ReceiveAsync("usermessage")).Str("value"));
    }

    [Theory]
    [InlineData(null, 0, 0)]
    [InlineData("", 0, 0)]
    [InlineData("40000", 40000, 40000)]
    [InlineData("40000-40100", 40000, 40100)]
    public void Udp_range_accepts_a_port_or_a_range(string? text, int min, int max) =>
        Assert.Equal(new UdpPortRange(min, max), UdpPortRange.Parse(text));

    [Theory]
    [InlineData("abc")]
    [InlineData("40100-40000")]
    [InlineData("1-2-3")]
    [InlineData("70000")]
    [InlineData("-5")]
    public void Udp_range_rejects_nonsense(string text) => Assert.Throws<FormatException>(() => UdpPortRange.Parse(text));

    [Fact]
    public void Ice_addresses_are_repeatable_and_comma_separated()
    {
        Assert.Equal([IPAddress.Loopback, IPAddress.Parse("192.0.2.1"), IPAddress.IPv6Loopback],
            IceAddressList.Parse(["127.0.0.1, 192.0.2.1", "::1"]));
        Assert.Throws<FormatException>(() => IceAddressList.Parse(["example.org"]));
    }

    [Fact]
    public async Task The_media_plane_binds_inside_the_configured_range()
    {
        await using var first = MediaPlane.Open(new UdpPortRange(0, 0), [IPAddress.Loopback]);
        int taken = first.Multiplexer.LocalEndPoint.Port;
        // The range starts at a port already taken: the next free one is used.
        await using var second = MediaPlane.Open(new UdpPortRange(taken, Math.Min(taken + 20, 65535)), [IPAddress.Loopback]);
        Assert.InRange(second.Multiplexer.LocalEndPoint.Port, taken + 1, taken + 20);
        Assert.Equal(IPAddress.Loopback, second.Multiplexer.LocalEndPoint.Address);
    }
}
