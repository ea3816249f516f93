using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Tessera.Server.Media;
using Tessera.Server.Tests.Support;
using static Tessera.Server.Tests.Support.PublisherSdp;

namespace Tessera.Server.Tests;

/// <summary>Stream signalling (protocol.md §12) against the real host, without a browser: no media ever flows here.</summary>
public sealed class MediaSignallingTests
{
    private const string Group = """{"wildcard-user": {"password": "w", "permissions": "present"}, "users": {"op": {"password": "o", "permissions": "op"}}}""";

    [Fact]
    public async Task GarbageSdpIsAbortedWithTheFailureText()
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
    public async Task AValidOfferIsAnsweredWithLoopbackCandidatesOnly()
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
    public async Task ARenegotiationOfTheSameIdIsAnsweredAgain()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "p", "w");
        await c.SendAsync(Offer("up1", AudioOffer()));
        await c.ReceiveAsync("answer");
        await c.SendAsync(Offer("up1", AudioOffer("Zz9y")));
        Assert.Equal("up1", (await c.ReceiveAsync("answer")).Str("id"));
    }

    [Fact]
    public async Task AStreamWithoutMediaIsNeverPushedAndClosingItTellsNobody()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var p = await s.JoinAsync("g", "p", "w");
        await using var r = await s.JoinAsync("g", "r", "w");
        await r.SendAsync(Json.Obj("""{"type": "request", "request": {"": ["audio", "video"]}}"""));
        await p.SendAsync(Offer("up1", AudioOffer()));
        await p.ReceiveAsync("answer");
        await r.AssertNothingAsync("offer", TimeSpan.FromMilliseconds(600));
        await p.SendAsync(Json.Obj("""{"type": "close", "id": "up1"}"""));
        await r.AssertNothingAsync("close", TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task AnswersAndAbortsForUnknownDownStreamsGetClose()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "p", "w");
        await c.SendAsync(Json.Obj("""{"type": "answer", "id": "nope", "sdp": "v=0"}"""));
        Assert.Equal("nope", (await c.ReceiveAsync("close")).Str("id"));
        await c.SendAsync(Json.Obj("""{"type": "abort", "id": "gone"}"""));
        Assert.Equal("gone", (await c.ReceiveAsync("close")).Str("id"));
    }

    [Fact]
    public async Task RequestStreamForAnUnknownStreamIsAnErrorNotFatal()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "p", "w");
        await c.SendAsync(Json.Obj("""{"type": "requestStream", "id": "nope", "request": ["audio"]}"""));
        Assert.Equal("unknown stream", (await c.ReceiveAsync("usermessage")).Str("value"));
        Assert.Equal(WebSocketState.Open, c.State);
    }

    [Fact]
    public async Task TrickledCandidatesAndUnknownClosesAndRenegotiatesAreIgnored()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "p", "w");
        await c.SendAsync(Json.Obj("""{"type": "ice", "id": "x", "candidate": {"candidate": "candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host", "sdpMid": "0", "sdpMLineIndex": 0}}"""));
        await c.SendAsync(Json.Obj("""{"type": "close", "id": "x"}"""));
        await c.SendAsync(Json.Obj("""{"type": "renegotiate", "id": "x"}"""));
        await c.AssertNothingAsync("usermessage", TimeSpan.FromMilliseconds(300));
        await c.SendAsync(Json.Obj("""{"type": "ping"}"""));
        await c.ReceiveAsync("pong");
    }

    [Fact]
    public async Task UnpresentAbortsThePublishersStreamsWithPermissionDenied()
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
    public async Task ReplacingAStreamRemovesTheOldOne()
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
    public async Task AnIdAlreadyPublishedByAnotherMemberIsRefused()
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
    public void UdpRangeAcceptsAPortOrARange(string? text, int min, int max) =>
        Assert.Equal(new UdpPortRange(min, max), UdpPortRange.Parse(text));

    [Theory]
    [InlineData("abc")]
    [InlineData("40100-40000")]
    [InlineData("1-2-3")]
    [InlineData("70000")]
    [InlineData("-5")]
    public void UdpRangeRejectsNonsense(string text) => Assert.Throws<FormatException>(() => UdpPortRange.Parse(text));

    [Fact]
    public void IceAddressesAreRepeatableAndCommaSeparated()
    {
        Assert.Equal([IPAddress.Loopback, IPAddress.Parse("192.0.2.1"), IPAddress.IPv6Loopback],
            IceAddressList.Parse(["127.0.0.1, 192.0.2.1", "::1"]));
        Assert.Throws<FormatException>(() => IceAddressList.Parse(["example.org"]));
    }

    [Fact]
    public async Task TheMediaPlaneBindsInsideTheConfiguredRange()
    {
        await using var first = MediaPlane.Open(new UdpPortRange(0, 0), [IPAddress.Loopback]);
        int taken = first.Multiplexer.LocalEndPoint.Port;
        // The range starts at a port already taken: the next free one is used.
        await using var second = MediaPlane.Open(new UdpPortRange(taken, Math.Min(taken + 20, 65535)), [IPAddress.Loopback]);
        Assert.InRange(second.Multiplexer.LocalEndPoint.Port, taken + 1, taken + 20);
        Assert.Equal(IPAddress.Loopback, second.Multiplexer.LocalEndPoint.Address);
    }
}
