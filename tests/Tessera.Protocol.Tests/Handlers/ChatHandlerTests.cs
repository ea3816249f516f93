using System.Text.Json.Nodes;
using Tessera.Protocol;

namespace Tessera.Protocol.Tests.Handlers;

/// <summary><c>chat</c> and <c>usermessage</c> through the real session and handlers (protocol.md §4.7, §6), in memory.</summary>
public sealed class ChatHandlerTests : IDisposable
{
    private const string Group = """
        {"users": {"op": {"password": "op", "permissions": "op"}, "quiet": {"password": "q", "permissions": "observe"},
                   "cap": {"password": "c", "permissions": ["caption"]}},
         "wildcard-user": {"password": "w", "permissions": "present"}}
        """;

    private readonly ProtocolHost _host = new(("g", Group));

    public void Dispose() => _host.Dispose();

    private static Message Chat(string value, string? dest = null, string? kind = null) =>
        new() { Type = MessageTypes.Chat, Value = value, Dest = dest, Kind = kind };

    private static string? ErrorOf(List<Message> received) =>
        (string?)Assert.Single(received, m => m.Type == MessageTypes.UserMessage && m.Kind == "error").Value;

    [Fact]
    public async Task A_broadcast_reaches_every_member_with_fields_the_server_stamps()
    {
        var a = await _host.JoinAsync("g", "ann", "w");
        var b = await _host.JoinAsync("g", "bob", "w");
        a.Take();

        await a.SendAsync(new Message { Type = MessageTypes.Chat, Kind = "me", Value = "waves" });

        foreach (var c in new[] { a, b })
        {
            var chat = Assert.Single(c.Take());
            Assert.Equal((MessageTypes.Chat, a.Id, "ann", "me", "waves"), (chat.Type, chat.Source, chat.Username, chat.Kind, (string?)chat.Value));
            Assert.False(chat.Privileged);
            Assert.Equal(11, chat.Id!.Length); // 8 random bytes, base64url
            Assert.Equal(Messages.Time(_host.Clock.GetUtcNow()), chat.Time);
        }
    }

    [Fact]
    public async Task An_operators_message_is_privileged_and_noecho_spares_the_sender()
    {
        var op = await _host.JoinAsync("g", "op", "op");
        var b = await _host.JoinAsync("g", "bob", "w");
        op.Take();

        await op.SendAsync(new Message { Type = MessageTypes.Chat, Value = "hi", NoEcho = true, Id = "mine" });

        var chat = Assert.Single(b.Take());
        Assert.True(chat.Privileged);
        Assert.Equal("mine", chat.Id);
        Assert.Empty(op.Take());
    }

    [Fact]
    public async Task A_private_message_reaches_only_its_destination_and_is_not_stored()
    {
        var a = await _host.JoinAsync("g", "ann", "w");
        var b = await _host.JoinAsync("g", "bob", "w");
        var c = await _host.JoinAsync("g", "cy", "w");
        a.Take();
        b.Take();

        await a.SendAsync(Chat("psst", dest: b.Id));

        Assert.Equal(b.Id, Assert.Single(b.Take()).Dest);
        Assert.Empty(a.Take());
        Assert.Empty(c.Take());
        await a.SendAsync(Chat("x", dest: "nobody"));
        Assert.Equal("user unknown", ErrorOf(a.Take()));
        var late = await _host.ConnectAsync();
        Assert.DoesNotContain(await late.JoinAsync("g", "dan", "w"), m => m.Type == MessageTypes.ChatHistory);
    }

    [Fact]
    public async Task User_messages_are_relayed_unprivileged_and_never_stored()
    {
        var a = await _host.JoinAsync("g", "ann", "w");
        var b = await _host.JoinAsync("g", "bob", "w");
        b.Take();

        await a.SendAsync(new Message { Type = MessageTypes.UserMessage, Kind = "filetransfer", Dest = b.Id, Value = new JsonObject { ["x"] = 1 } });

        var relayed = Assert.Single(b.Take());
        Assert.Equal(("filetransfer", a.Id, false), (relayed.Kind, relayed.Source, relayed.Privileged));
        Assert.Empty(_host.Registry.Find("g")!.History.Read(_host.Clock.GetUtcNow(), TimeSpan.FromDays(1)));
    }

    [Fact]
    public async Task Permissions_gate_chat_user_messages_and_captions()
    {
        var quiet = await _host.JoinAsync("g", "quiet", "q");
        await quiet.SendAsync(Chat("x"));
        Assert.Equal(Texts.NotAuthorised, ErrorOf(quiet.Take()));
        await quiet.SendAsync(new Message { Type = MessageTypes.UserMessage, Kind = "x", Value = "x" });
        Assert.Equal(Texts.NotAuthorised, ErrorOf(quiet.Take()));

        var cap = await _host.JoinAsync("g", "cap", "c");
        quiet.Take();
        await cap.SendAsync(Chat("subtitle", kind: "caption"));
        Assert.Equal("caption", Assert.Single(quiet.Take()).Kind);
        cap.Take();
        await cap.SendAsync(Chat("normal"));
        Assert.Equal(Texts.NotAuthorised, ErrorOf(cap.Take()));
        Assert.Empty(quiet.Take());
    }

    [Fact]
    public async Task A_latecomer_gets_the_last_50_chats_and_none_older_than_the_groups_history_age()
    {
        _host.WriteGroup("short", """{"max-history-age": 60, "wildcard-user": {"password": "w", "permissions": "present"}}""");
        _host.WriteConfig("""{"limits": {"chatBurst": 100}}""");
        var a = await _host.JoinAsync("short", "ann", "w");
        for (var i = 0; i < 55; i++) await a.SendAsync(Chat($"m{i}"));

        var history = (await (await _host.ConnectAsync()).JoinAsync("short", "bob", "w")).Where(m => m.Type == MessageTypes.ChatHistory).ToList();
        Assert.Equal(Enumerable.Range(5, 50).Select(i => $"m{i}"), history.Select(m => (string?)m.Value));
        Assert.All(history, m => Assert.Equal(a.Id, m.Source));

        _host.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.DoesNotContain(await (await _host.ConnectAsync()).JoinAsync("short", "cy", "w"), m => m.Type == MessageTypes.ChatHistory);
    }

    [Fact]
    public async Task An_oversized_chat_is_refused_to_its_sender_and_not_relayed()
    {
        _host.WriteConfig("""{"limits": {"maxChatBytes": 1000}}""");
        var a = await _host.JoinAsync("g", "ann", "w");
        var b = await _host.JoinAsync("g", "bob", "w");
        a.Take();

        await a.SendAsync(Chat(new string('x', 1000)));

        Assert.Equal(Texts.MessageTooLong(1002, 1000), ErrorOf(a.Take())); // the JSON string, quotes included
        Assert.Empty(b.Take());
    }

    [Fact]
    public async Task A_chat_flood_is_cut_at_the_rate_the_sender_is_told_once_and_the_clock_gives_the_rate_back()
    {
        _host.WriteConfig("""{"limits": {"chatBurst": 3, "chatPerSecond": 1}}""");
        var a = await _host.JoinAsync("g", "ann", "w");
        var b = await _host.JoinAsync("g", "bob", "w");
        a.Take();

        for (var i = 0; i < 6; i++) await a.SendAsync(Chat($"m{i}"));

        Assert.Equal(["m0", "m1", "m2"], b.Take().Select(m => (string?)m.Value));
        var toSender = a.Take();
        Assert.Equal(Texts.TooManyMessages, ErrorOf(toSender));
        Assert.Equal(3, toSender.Count(m => m.Type == MessageTypes.Chat));

        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await a.SendAsync(Chat("later"));
        Assert.Equal("later", (string?)Assert.Single(b.Take()).Value);
    }

    [Fact]
    public async Task Chatting_before_joining_is_refused_and_a_forged_sender_ends_the_connection()
    {
        var outsider = await _host.ConnectAsync();
        await outsider.SendAsync(Chat("hello?"));
        Assert.Equal(Texts.JoinFirst, ErrorOf(outsider.Take()));

        var a = await _host.JoinAsync("g", "ann", "w");
        var b = await _host.JoinAsync("g", "bob", "w");
        a.Take();
        await a.SendAsync(new Message { Type = MessageTypes.Chat, Username = "op", Value = "I am the op" });
        Assert.Equal(new CloseReason(CloseReason.ProtocolError, "spoofed username"), a.Transport.Closed);
        await b.SendAsync(new Message { Type = MessageTypes.Chat, Source = "someone-else", Value = "x" });
        Assert.Equal(new CloseReason(CloseReason.ProtocolError, "spoofed client id"), b.Transport.Closed);
        Assert.DoesNotContain(a.Take().Concat(b.Take()), m => m.Type == MessageTypes.Chat);
    }
}
