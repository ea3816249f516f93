using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Tessera.Server.Hosting;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>Transport-level rules: handshake, malformed input, sizes, keep-alive (protocol.md §1–§3).</summary>
public class ProtocolTests
{
    private const string Group = """{"wildcard-user": {"password": "w", "permissions": "present"}}""";

    [Fact]
    public async Task Handshake_must_come_first()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await WsClient.ConnectAsync(s.WebSocketUrl);
        await c.SendAsync(Json.Obj("""{"type": "ping"}"""));
        var all = await c.ReceiveUntilClosedAsync();
        Assert.Empty(all);
        Assert.Equal(WebSocketCloseStatus.ProtocolError, c.CloseStatus);
        Assert.Equal("you must handshake first", c.CloseDescription);
    }

    [Fact]
    public async Task A_normal_close_is_echoed_as_normal()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "u", "w");
        await c.CloseNormallyAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, c.CloseStatus);
    }

    [Fact]
    public async Task Old_version_gets_a_warning_but_continues()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await WsClient.ConnectAsync(s.WebSocketUrl);
        await c.SendAsync(Json.Obj("""{"type": "handshake", "version": ["1"], "id": "abc"}"""));
        Assert.Equal(["2"], (await c.NextAsync())["version"].Strings());
        var warning = await c.NextAsync();
        Assert.Equal(("usermessage", "warning", "abc"), (warning.Str("type"), warning.Str("kind"), warning.Str("dest")));
        await c.RoundTripAsync();
    }

    [Fact]
    public async Task Pipelined_join_works()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await WsClient.ConnectAsync(s.WebSocketUrl);
        await c.SendRawAsync("""{"type": "handshake", "version": ["2"], "id": "p1"}""");
        await c.SendRawAsync("""{"type": "join", "kind": "join", "group": "g", "username": "u", "password": "w"}""");
        Assert.Equal("handshake", (await c.NextAsync()).Str("type"));
        Assert.Equal("join", (await c.ReceiveAsync("joined")).Str("kind"));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1, 2, 3]")]
    [InlineData("""{"type": "chat", "value": "x", "username": 42}""")]
    [InlineData("""{"type": "chat", "data": [1]}""")]
    [InlineData("""{"type": "chat", "time": 12}""")]
    [InlineData("""{"type": 7}""")]
    public async Task Malformed_messages_close_with_1011_and_the_server_stays_up(string text)
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "u", "w");
        await c.SendRawAsync(text);
        await c.ReceiveUntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.InternalServerError, c.CloseStatus);
        await using var d = await s.JoinAsync("g", "v", "w");
    }

    [Fact]
    public async Task Unknown_type_is_a_protocol_error()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await s.ConnectAsync();
        await c.SendAsync(Json.Obj("""{"type": "teleport"}"""));
        var all = await c.ReceiveUntilClosedAsync();
        Assert.Contains(all, m => m.Str("value") == "unexpected message" && (bool?)m["privileged"] == true);
        Assert.Equal(WebSocketCloseStatus.ProtocolError, c.CloseStatus);
    }

    [Fact]
    public async Task Oversized_message_closes_with_1009()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await s.ConnectAsync();
        var big = "{\"type\":\"chat\",\"value\":\"" + new string('x', 1_100_000) + "\"}";
        await c.SendBytesAsync(Encoding.UTF8.GetBytes(big));
        await c.ReceiveUntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, c.CloseStatus);
    }

    [Fact]
    public async Task Binary_frames_are_parsed_like_text()
    {
        await using var s = await TestServer.StartAsync();
        await using var c = await s.ConnectAsync();
        await c.SendBytesAsync(Encoding.UTF8.GetBytes("""{"type":"ping"}"""), WebSocketMessageType.Binary);
        await c.ReceiveAsync("pong");
    }

    [Theory]
    [InlineData("""{"type": "offer", "sdp": "v=0"}""", "empty id")]
    [InlineData("""{"type": "ice", "id": "s1"}""", "null candidate")]
    [InlineData("""{"type": "join", "kind": "sideways", "group": "g"}""", "unknown kind")]
    public async Task Stream_and_join_envelope_violations_are_protocol_errors(string text, string reason)
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "u", "w");
        await c.SendRawAsync(text);
        await c.ReceiveUntilClosedAsync();
        Assert.Equal((WebSocketCloseStatus.ProtocolError, reason), (c.CloseStatus, c.CloseDescription));
    }

    [Fact]
    public async Task Offer_without_present_is_aborted_and_unusable_offers_are_refused_with_the_failure()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g",
            """{"users": {"viewer": {"password": "v", "permissions": "message"}}, "wildcard-user": {"password": "w", "permissions": "present"}}"""));
        await using var viewer = await s.JoinAsync("g", "viewer", "v");
        await viewer.SendAsync(Json.Obj("""{"type": "offer", "id": "up1", "label": "camera", "sdp": "v=0"}"""));
        Assert.Equal("up1", (await viewer.ReceiveAsync("abort")).Str("id"));
        Assert.Equal("not authorised", (await viewer.ReceiveAsync("usermessage")).Str("value"));

        await using var presenter = await s.JoinAsync("g", "p", "w");
        await presenter.SendAsync(Json.Obj("""{"type": "offer", "id": "up2", "label": "camera", "sdp": "v=0"}"""));
        Assert.Equal("up2", (await presenter.ReceiveAsync("abort")).Str("id"));
        var error = await presenter.ReceiveAsync("usermessage");
        Assert.Equal("error", error.Str("kind"));
        Assert.False(string.IsNullOrWhiteSpace(error.Str("value")));
        Assert.NotEqual("not authorised", error.Str("value"));
    }

    [Fact]
    public async Task Request_must_be_a_map_of_string_lists()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Group));
        await using var c = await s.JoinAsync("g", "u", "w");
        await c.SendAsync(Json.Obj("""{"type": "request", "request": {"": ["audio", "video"]}}"""));
        await c.SendAsync(Json.Obj("""{"type": "request", "request": {"": "audio"}}"""));
        Assert.Equal("bad request", (await c.ReceiveAsync("usermessage")).Str("value"));
        Assert.Equal(WebSocketState.Open, c.State);
    }

    [Fact]
    public async Task Silent_clients_are_pinged_then_dropped()
    {
        var fast = new KeepAliveTimings(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300),
                                        TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
        await using var s = await TestServer.StartAsync(configure: o => o with { KeepAlive = fast });
        await using var c = await s.ConnectAsync();
        await c.ReceiveAsync("ping", TimeSpan.FromSeconds(3));
        var pinged = System.Diagnostics.Stopwatch.StartNew();
        await c.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(WebSocketCloseStatus.InternalServerError, c.CloseStatus);
        // The client had its time to answer (drop delay - ping delay = 600 ms, from the first ping;
        // half of it allowed for the ping's own delivery on a busy machine).
        Assert.True(pinged.ElapsedMilliseconds >= 300, $"dropped {pinged.ElapsedMilliseconds} ms after the ping");
    }

    [Fact]
    public async Task Answering_pings_keeps_the_connection_alive()
    {
        // Eight ping rounds last well past the 1.5 s drop delay; the margin over the 300 ms ping
        // delay tolerates a client that is slow to answer on a loaded machine.
        var fast = new KeepAliveTimings(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300),
                                        TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(5));
        await using var s = await TestServer.StartAsync(configure: o => o with { KeepAlive = fast });
        await using var c = await s.ConnectAsync();
        for (var i = 0; i < 8; i++)
        {
            await c.ReceiveAsync("ping", TimeSpan.FromSeconds(3));
            await c.SendAsync(Json.Obj("""{"type": "pong"}"""));
        }
        Assert.Equal(WebSocketState.Open, c.State);
    }

    [Fact]
    public async Task No_handshake_in_time_closes_the_connection()
    {
        var fast = KeepAliveTimings.Default with { Tick = TimeSpan.FromMilliseconds(100), Handshake = TimeSpan.FromMilliseconds(300) };
        await using var s = await TestServer.StartAsync(configure: o => o with { KeepAlive = fast });
        await using var c = await WsClient.ConnectAsync(s.WebSocketUrl);
        await c.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(5));
        Assert.NotEqual(WebSocketState.Open, c.State);
    }

    [Fact]
    public async Task Shutdown_kicks_everyone_with_a_reason()
    {
        var s = await TestServer.StartAsync(f => f.Group("g", Group));
        var c = await s.JoinAsync("g", "u", "w");
        var disposal = s.DisposeAsync().AsTask();
        var all = await c.ReceiveUntilClosedAsync();
        await disposal;
        var kicked = Assert.Single(all, m => m.Str("kind") == "kicked");
        Assert.Equal("server is shutting down", kicked.Str("value"));
        await c.DisposeAsync();
    }
}
