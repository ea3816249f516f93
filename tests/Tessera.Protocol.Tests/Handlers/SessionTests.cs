using Tessera.Protocol;

namespace Tessera.Protocol.Tests.Handlers;

/// <summary>The session's own rules (protocol.md §3): handshake first, keep-alive, unknown types.</summary>
public sealed class SessionTests : IDisposable
{
    private readonly ProtocolHost _host = new(("g", """{"wildcard-user": {"password": "w", "permissions": "present"}}"""));

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Ping_is_answered_with_pong_before_and_after_joining_and_pong_is_not_answered()
    {
        var c = await _host.ConnectAsync();
        await c.SendAsync(new Message { Type = MessageTypes.Ping });
        Assert.Equal(MessageTypes.Pong, Assert.Single(c.Take()).Type);

        await c.JoinAsync("g", "ann", "w");
        await c.SendAsync(new Message { Type = MessageTypes.Ping });
        Assert.Equal(MessageTypes.Pong, Assert.Single(c.Take()).Type);
        await c.SendAsync(new Message { Type = MessageTypes.Pong });
        Assert.Empty(c.Take());
        Assert.Null(c.Transport.Closed);
    }

    [Fact]
    public async Task Anything_before_the_handshake_ends_the_connection_without_a_notice()
    {
        var c = new TestClient(_host, new InMemoryTransport());
        await c.SendAsync(new Message { Type = MessageTypes.Ping });
        Assert.Empty(c.Take());
        Assert.Equal(new CloseReason(CloseReason.ProtocolError, "you must handshake first"), c.Transport.Closed);
    }

    [Fact]
    public async Task An_old_protocol_version_gets_a_warning_and_a_repeated_handshake_changes_nothing()
    {
        var c = new TestClient(_host, new InMemoryTransport());
        await c.SendAsync(new Message { Type = MessageTypes.Handshake, Version = ["1"], Id = "old" });
        var answer = c.Take();
        Assert.Equal(["handshake", "usermessage"], answer.Select(m => m.Type));
        Assert.Equal(("warning", "old"), (answer[1].Kind, answer[1].Dest));

        await c.SendAsync(new Message { Type = MessageTypes.Handshake, Version = ["2"], Id = "other" });
        Assert.Empty(c.Take());
        Assert.Equal("old", c.Id);
    }

    [Fact]
    public async Task An_unknown_message_type_is_a_protocol_error()
    {
        var c = await _host.ConnectAsync();
        await c.SendAsync(new Message { Type = "explode" });
        var notice = Assert.Single(c.Take());
        Assert.Equal(("error", "unexpected message"), (notice.Kind, (string?)notice.Value));
        Assert.Equal(new CloseReason(CloseReason.ProtocolError, "unexpected message"), c.Transport.Closed);
    }

    [Fact]
    public async Task A_disconnected_member_leaves_its_group_and_the_others_are_told()
    {
        var a = await _host.JoinAsync("g", "ann", "w");
        var b = await _host.JoinAsync("g", "bob", "w");
        a.Take();
        b.Disconnect();
        var deleted = Assert.Single(a.Take());
        Assert.Equal(("delete", b.Id), (deleted.Kind, deleted.Id));
        Assert.Equal(1, _host.Registry.Find("g")!.Count);
    }
}
