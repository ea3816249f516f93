using System.Text.Json.Nodes;
using Tessera.Protocol;
using Tessera.Protocol.Handlers;

namespace Tessera.Protocol.Tests.Handlers;

/// <summary>
/// <c>join</c> through the real session and handlers (auth.md §2, protocol.md §4), in memory: the
/// same rules the Kestrel-level tests in Tessera.Server.Tests check, without sockets or sleeps.
/// </summary>
public sealed class JoinHandlerTests : IDisposable
{
    private const string Group = """
        {"users": {"op": {"password": "op", "permissions": "op"},
                   "pres": {"password": "secret", "permissions": "present"},
                   "quiet": {"password": "q", "permissions": "observe"}},
         "wildcard-user": {"password": "guests", "permissions": "message"}}
        """;

    private readonly ProtocolHost _host = new(("g", Group));

    public void Dispose() => _host.Dispose();

    private static void AssertRefused(List<Message> answer, string text, string? error = null)
    {
        var joined = Assert.Single(answer);
        Assert.Equal((MessageTypes.Joined, "fail", text, error), (joined.Type, joined.Kind, (string?)joined.Value, joined.Error));
    }

    [Theory]
    [InlineData("op", "op", new[] { "op", "present", "message", "caption", "token" })]
    [InlineData("pres", "secret", new[] { "present", "message" })]
    [InlineData("quiet", "q", new string[0])]
    [InlineData("visitor", "guests", new[] { "message" })]
    public async Task A_right_password_admits_with_the_users_permissions(string username, string password, string[] permissions)
    {
        var c = await _host.ConnectAsync();
        var joined = (await c.JoinAsync("g", username, password))[0];
        Assert.Equal((MessageTypes.Joined, "join", "g", username), (joined.Type, joined.Kind, joined.Group, joined.Username));
        Assert.Equal(permissions, joined.Permissions ?? []);
        Assert.Equal(permissions, c.Session.Permissions);
        Assert.Same(_host.Registry.Find("g"), c.Session.Group);
    }

    [Fact]
    public async Task The_welcome_is_joined_then_history_then_self_then_the_others_and_the_others_are_told()
    {
        var first = await _host.JoinAsync("g", "pres", "secret");
        await first.SendAsync(new Message { Type = MessageTypes.Chat, Value = "hello" });
        first.Take();

        var second = await _host.ConnectAsync();
        var welcome = await second.JoinAsync("g", "visitor", "guests", new JsonObject { ["raisehand"] = true });

        Assert.Equal(["joined", "chathistory", "user", "user"], welcome.Select(m => m.Type));
        Assert.Equal(2, (int)welcome[0].Status!["clientCount"]!);
        Assert.NotNull(welcome[0].RtcConfiguration);
        Assert.Equal(("hello", first.Id), ((string?)welcome[1].Value, welcome[1].Source));
        Assert.Equal((second.Id, "add", true), (welcome[2].Id, welcome[2].Kind, (bool)welcome[2].Data!["raisehand"]!));
        Assert.Equal((first.Id, "pres"), (welcome[3].Id, welcome[3].Username));
        var told = Assert.Single(first.Take());
        Assert.Equal((MessageTypes.User, "add", second.Id, "visitor"), (told.Type, told.Kind, told.Id, told.Username));
    }

    [Theory]
    [InlineData("pres", "Secret")]
    [InlineData("pres", "")]
    [InlineData("pres", "guests")] // a configured user cannot come in through the wildcard
    [InlineData("visitor", "wrong")]
    public async Task A_wrong_password_is_refused_only_once_the_refusal_delay_has_passed(string username, string password)
    {
        var c = await _host.ConnectAsync();
        var handling = c.StartSending(new Message { Type = MessageTypes.Join, Kind = "join", Group = "g", Username = username, Password = password });
        await Eventually.True(() => _host.Clock.PendingTimers == 1, "the refusal waiting on the clock");
        _host.Clock.Advance(JoinHandler.RefusalDelay - TimeSpan.FromTicks(1));
        Assert.False(handling.IsCompleted);
        Assert.Empty(c.Take());

        _host.Clock.Advance(TimeSpan.FromTicks(1));
        await Eventually.Completes(handling);
        AssertRefused(c.Take(), Texts.NotAuthorised);
        Assert.Null(c.Session.Group);
    }

    [Fact]
    public async Task A_refused_client_holds_no_username_permission_or_group()
    {
        var c = await _host.ConnectAsync();
        AssertRefused(await c.JoinAsync("g", "op", "nope"), Texts.NotAuthorised);
        Assert.Equal(("", 0, null), (c.Session.Username, c.Session.Permissions.Count, c.Session.Group));
        await c.SendAsync(new Message { Type = MessageTypes.Chat, Value = "sneaky" });
        var error = Assert.Single(c.Take());
        Assert.Equal(("error", Texts.JoinFirst), (error.Kind, (string?)error.Value));
        Assert.Equal(0, _host.Registry.Find("g")!.Count);
    }

    [Theory]
    [InlineData("nope", Texts.NoSuchGroup)]
    [InlineData("a//b", Texts.IllegalGroupName)]
    [InlineData("../etc", Texts.IllegalGroupName)]
    [InlineData("", Texts.IllegalGroupName)]
    public async Task An_unknown_or_illegal_group_is_refused_before_any_credential_is_checked(string group, string text)
    {
        var c = await _host.ConnectAsync();
        AssertRefused(await c.JoinAsync(group, "pres", "secret"), text);
        Assert.Equal(0, _host.Clock.PendingTimers); // not a refused credential: no delay
    }

    [Fact]
    public async Task Without_username_or_token_the_join_is_an_internal_error_and_an_overlong_username_is_refused()
    {
        var c = await _host.ConnectAsync();
        AssertRefused(await c.JoinAsync("g", null, "secret"), Texts.InternalError);
        AssertRefused(await c.JoinAsync("g", new string('u', 257), "secret"), Texts.UsernameTooLong);
    }

    [Fact]
    public async Task A_locked_group_refuses_others_with_its_message_after_their_credentials_but_admits_operators()
    {
        var op = await _host.JoinAsync("g", "op", "op");
        await op.SendAsync(new Message { Type = MessageTypes.GroupAction, Kind = "lock", Value = "exam in progress" });

        var c = await _host.ConnectAsync();
        AssertRefused(await c.JoinAsync("g", "pres", "wrong"), Texts.NotAuthorised);
        AssertRefused(await c.JoinAsync("g", "pres", "secret"), "exam in progress");
        Assert.Equal("join", (await (await _host.ConnectAsync()).JoinAsync("g", "op", "op"))[0].Kind);

        await op.SendAsync(new Message { Type = MessageTypes.GroupAction, Kind = "lock" });
        AssertRefused(await c.JoinAsync("g", "pres", "secret"), Texts.Locked);
    }

    [Fact]
    public async Task Max_clients_counts_everyone_but_operators_bypass_it()
    {
        _host.WriteGroup("small", """{"max-clients": 2, "users": {"o": {"password": "o", "permissions": "op"}}, "wildcard-user": {"password": "w", "permissions": "present"}}""");
        await _host.JoinAsync("small", "a", "w");
        await _host.JoinAsync("small", "b", "w");
        AssertRefused(await (await _host.ConnectAsync()).JoinAsync("small", "c", "w"), Texts.TooManyUsers);
        await _host.JoinAsync("small", "o", "o");
        Assert.Equal(3, _host.Registry.Find("small")!.Count);
    }

    [Fact]
    public async Task Dates_open_and_close_the_group_for_everyone_but_operators()
    {
        var start = _host.Clock.GetUtcNow();
        var dates = $$"""
            "not-before": "{{start.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}}", "expires": "{{start.AddHours(2):yyyy-MM-ddTHH:mm:ssZ}}"
            """;
        _host.WriteGroup("class", "{" + dates + """
            , "users": {"o": {"password": "o", "permissions": "op"}}, "wildcard-user": {"password": "w", "permissions": "present"}}
            """);
        var c = await _host.ConnectAsync();
        AssertRefused(await c.JoinAsync("class", "p", "w"), Texts.NotOpenYet);
        Assert.Equal("join", (await (await _host.ConnectAsync()).JoinAsync("class", "o", "o"))[0].Kind);

        _host.Clock.Advance(TimeSpan.FromHours(1.5));
        Assert.Equal("join", (await c.JoinAsync("class", "p", "w"))[0].Kind);

        _host.Clock.Advance(TimeSpan.FromHours(1));
        AssertRefused(await (await _host.ConnectAsync()).JoinAsync("class", "q", "w"), Texts.Closed);
    }

    [Fact]
    public async Task Autokick_refuses_while_there_is_no_operator_and_empties_the_group_when_the_last_one_leaves()
    {
        _host.WriteGroup("kick", """{"autokick": true, "users": {"o": {"password": "o", "permissions": "op"}}, "wildcard-user": {"password": "w", "permissions": "present"}}""");
        AssertRefused(await (await _host.ConnectAsync()).JoinAsync("kick", "a", "w"), Texts.NoOperators);
        var op = await _host.JoinAsync("kick", "o", "o");
        var a = await _host.JoinAsync("kick", "a", "w");

        op.Disconnect();

        var kicked = Assert.Single(a.Take(), m => m.Kind == "kicked");
        Assert.Equal((Texts.NoOperators, null), ((string?)kicked.Value, kicked.Id));
        Assert.Equal(CloseReason.Normal, a.Transport.Closed?.Code);
        Assert.Equal(0, _host.Registry.Find("kick")!.Count);
    }

    [Fact]
    public async Task A_redirect_group_answers_redirect_and_never_admits()
    {
        _host.WriteGroup("old", """{"redirect": "https://elsewhere.example/group/new/"}""");
        var c = await _host.ConnectAsync();
        var redirect = Assert.Single(await c.JoinAsync("old", "x", "y"));
        Assert.Equal(("redirect", "https://elsewhere.example/group/new/"), (redirect.Kind, (string?)redirect.Value));
        Assert.Null(c.Session.Group);
        Assert.Equal("join", (await c.JoinAsync("g", "pres", "secret"))[0].Kind);
    }

    [Fact]
    public async Task A_client_id_already_in_the_group_is_refused()
    {
        await (await _host.ConnectAsync("same-id")).JoinAsync("g", "pres", "secret");
        var twin = await _host.ConnectAsync("same-id");
        AssertRefused(await twin.JoinAsync("g", "visitor", "guests"), Texts.InternalError);
        Assert.Equal(1, _host.Registry.Find("g")!.Count);
    }

    [Fact]
    public async Task Leaving_tells_the_others_and_the_client_may_join_again()
    {
        var watcher = await _host.JoinAsync("g", "quiet", "q");
        var c = await _host.JoinAsync("g", "pres", "secret");
        watcher.Take();

        await c.SendAsync(new Message { Type = MessageTypes.Join, Kind = "leave", Group = "g" });

        var left = Assert.Single(c.Take());
        Assert.Equal((MessageTypes.Joined, "leave", "g", null), (left.Type, left.Kind, left.Group, left.Permissions));
        var deleted = Assert.Single(watcher.Take());
        Assert.Equal(("delete", c.Id, null), (deleted.Kind, deleted.Id, deleted.Permissions));
        Assert.Equal("join", (await c.JoinAsync("g", "pres", "secret"))[0].Kind);
    }

    [Fact]
    public async Task Joining_twice_is_a_protocol_error_and_leaving_another_group_ends_the_connection()
    {
        var c = await _host.JoinAsync("g", "pres", "secret");
        await c.SendAsync(new Message { Type = MessageTypes.Join, Kind = "join", Group = "g", Username = "pres", Password = "secret" });
        Assert.Contains(c.Take(), m => m.Kind == "error" && (string?)m.Value == "cannot join multiple groups");
        Assert.Equal(new CloseReason(CloseReason.ProtocolError, "cannot join multiple groups"), c.Transport.Closed);

        var d = await _host.JoinAsync("g", "visitor", "guests");
        await d.SendAsync(new Message { Type = MessageTypes.Join, Kind = "leave", Group = "other" });
        Assert.Equal(new CloseReason(CloseReason.Normal, "you are not joined"), d.Transport.Closed);
    }
}
