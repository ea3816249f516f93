using System.Text.Json;
using Tessera.Auth.Tokens;

namespace Tessera.Auth.Tests.Tokens;

public sealed class TokenCommandsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 7, 29, 10, 0, 0, TimeSpan.Zero);
    private readonly TempFolder _folder = new();
    private readonly ManualTimeProvider _clock = new(Now);
    private readonly TokenStore _store;
    private readonly TokenCommands _commands;

    private static readonly HashSet<string> Users = ["prof", "bob"];
    private static readonly TokenSender Operator =
        new("lab", "prof", ["op", "present", "message", "caption", "token"], Users.Contains);
    private static readonly TokenSender Presenter = new("lab", "ada", ["present", "message", "token"], Users.Contains);
    private static readonly TokenSender Plain = new("lab", "eve", ["present", "message"], Users.Contains);

    public TokenCommandsTests()
    {
        _store = new TokenStore(_folder.Combine("var", "tokens.jsonl"), _clock);
        _commands = new TokenCommands(_store, _clock);
    }

    public void Dispose() => _folder.Dispose();

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private TokenCommandResult Make(string json, TokenSender? sender = null) => _commands.MakeToken(Json(json), sender ?? Operator);

    private TokenCommandResult Edit(string json, TokenSender? sender = null) => _commands.EditToken(Json(json), sender ?? Operator);

    [Fact]
    public void Maketoken_creates_a_stored_token_with_server_chosen_fields()
    {
        var result = Make("""{"group":"lab","username":"guest","permissions":["present","message"],"expires":86400000}""");
        Assert.True(result.Success);
        var token = result.Token!;
        Assert.Equal(22, token.Token.Length);
        Assert.Equal("lab", token.Group);
        Assert.Equal("guest", token.Username);
        Assert.Equal(["present", "message"], token.Permissions);
        Assert.Equal(Now.AddDays(1), token.Expires);
        Assert.Equal(Now, token.IssuedAt);
        Assert.Equal("prof", token.IssuedBy);
        Assert.False(token.IncludeSubgroups);
        Assert.Equal(token, _store.Get(token.Token));
    }

    [Fact]
    public void Maketoken_accepts_rfc3339_times_and_not_before()
    {
        var token = Make("""{"group":"lab","expires":"2026-07-30T09:00:00.123+02:00","not-before":"2026-07-29T12:00:00Z"}""").Token!;
        Assert.Equal(new DateTimeOffset(2026, 7, 30, 7, 0, 0, 123, TimeSpan.Zero), token.Expires);
        Assert.Equal(new DateTimeOffset(2026, 7, 29, 12, 0, 0, TimeSpan.Zero), token.NotBefore);
    }

    [Fact]
    public void Maketoken_without_permissions_grants_nothing() =>
        Assert.Equal([], Make("""{"group":"lab","expires":1000}""").Token!.Permissions!);

    [Fact]
    public void Maketoken_without_username_leaves_it_absent() =>
        Assert.Null(Make("""{"group":"lab","expires":1000}""").Token!.Username);

    [Fact]
    public void Maketoken_by_a_sender_with_empty_username_has_no_issuer() =>
        Assert.Null(Make("""{"group":"lab","expires":1000}""", Operator with { Username = "" }).Token!.IssuedBy);

    [Fact]
    public void Maketoken_cannot_create_hierarchical_tokens() =>
        Assert.False(Make("""{"group":"lab","expires":1000,"includeSubgroups":true}""").Token!.IncludeSubgroups);

    [Fact]
    public void Maketoken_needs_the_token_permission()
    {
        Assert.True(Make("""{"group":"lab","expires":1000,"permissions":["present"]}""", Presenter).Success);
        Assert.True(Make("""{"group":"lab","expires":1000}""", Plain).NotAuthorised);
    }

    [Fact]
    public void Maketoken_permissions_must_be_held_by_the_sender()
    {
        var result = Make("""{"group":"lab","expires":1000,"permissions":["present","op"]}""", Presenter);
        Assert.True(result.NotAuthorised);
        Assert.Empty(_store.All());
    }

    [Fact]
    public void Maketoken_refuses_a_client_chosen_token() =>
        Assert.Equal("client specified token", Make("""{"token":"mine","group":"lab","expires":1000}""").Error);

    [Theory]
    [InlineData("""{"group":"other","expires":1000}""")]
    [InlineData("""{"group":"lab/r3","expires":1000}""")]
    [InlineData("""{"expires":1000}""")]
    public void Maketoken_refuses_another_group(string json) => Assert.Equal("wrong group in token", Make(json).Error);

    [Fact]
    public void Maketoken_refuses_a_configured_username() =>
        Assert.Equal("that username is taken", Make("""{"group":"lab","expires":1000,"username":"bob"}""").Error);

    [Fact]
    public void Maketoken_requires_expires() =>
        Assert.Equal("token doesn't expire", Make("""{"group":"lab"}""").Error);

    [Theory]
    [InlineData("[1]", "bad token value")]
    [InlineData("\"lab\"", "bad token value")]
    [InlineData("""{"group":5,"expires":1000}""", "bad string value")]
    [InlineData("""{"group":"lab","username":true,"expires":1000}""", "bad string value")]
    [InlineData("""{"group":"lab","permissions":"present","expires":1000}""", "bad string list")]
    [InlineData("""{"group":"lab","permissions":["present",1],"expires":1000}""", "bad string list")]
    [InlineData("""{"group":"lab","expires":"tomorrow"}""", "bad time value")]
    [InlineData("""{"group":"lab","expires":true}""", "bad time value")]
    [InlineData("""{"group":"lab","expires":1000,"not-before":[]}""", "bad time value")]
    public void Maketoken_refuses_values_of_the_wrong_type(string json, string error) => Assert.Equal(error, Make(json).Error);

    [Fact]
    public void Edittoken_changes_the_dates_only()
    {
        var created = Make("""{"group":"lab","username":"guest","permissions":["present"],"expires":60000}""").Token!;
        var result = Edit($$"""{"token":"{{created.Token}}","expires":-1000}""");
        Assert.True(result.Success, result.Error);
        Assert.Equal(Now.AddSeconds(-1), result.Token!.Expires);
        Assert.Equal(created with { Expires = Now.AddSeconds(-1) }, _store.Get(created.Token));

        var withNotBefore = Edit($$"""{"token":"{{created.Token}}","not-before":"2026-08-01T00:00:00Z","group":""}""");
        Assert.Equal(new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero), withNotBefore.Token!.NotBefore);
        Assert.Equal(Now.AddSeconds(-1), withNotBefore.Token.Expires);
    }

    [Theory]
    [InlineData("\"username\":\"x\"")]
    [InlineData("\"permissions\":[]")]
    [InlineData("\"group\":\"lab\"")]
    [InlineData("\"includeSubgroups\":true")]
    public void Edittoken_refuses_other_fields(string member)
    {
        var created = Make("""{"group":"lab","expires":60000}""").Token!;
        Assert.Equal("this field cannot be edited", Edit($$"""{"token":"{{created.Token}}",{{member}}}""").Error);
    }

    [Fact]
    public void Edittoken_of_an_unknown_token_reports_file_does_not_exist() =>
        Assert.Equal("file does not exist", Edit("""{"token":"nope","expires":0}""").Error);

    [Fact]
    public void Edittoken_of_another_groups_token_looks_like_an_unknown_one()
    {
        var foreign = _store.Create(new StatefulToken { Token = "foreign", Group = "other", Expires = Now.AddDays(1) });
        Assert.Equal("file does not exist", Edit("""{"token":"foreign","expires":0}""").Error);
        Assert.Equal(foreign, _store.Get("foreign"));
    }

    [Fact]
    public void Edittoken_of_a_subgroup_token_is_allowed()
    {
        _store.Create(new StatefulToken { Token = "sub", Group = "lab/r3", Expires = Now.AddDays(1) });
        Assert.True(Edit("""{"token":"sub","expires":0}""").Success);
    }

    [Fact]
    public void Edittoken_needs_op_and_token()
    {
        var created = Make("""{"group":"lab","expires":60000}""").Token!;
        Assert.True(Edit($$"""{"token":"{{created.Token}}","expires":0}""", Presenter).NotAuthorised);
        Assert.True(Edit($$"""{"token":"{{created.Token}}","expires":0}""", Operator with { Permissions = ["op"] }).NotAuthorised);
    }

    [Fact]
    public void Edittoken_refuses_a_non_object_value() => Assert.Equal("bad token value", Edit("42").Error);

    [Fact]
    public void Listtokens_returns_the_senders_group_only_sorted_by_expiry()
    {
        Make("""{"group":"lab","expires":7200000}""");
        Make("""{"group":"lab","expires":3600000}""");
        _store.Create(new StatefulToken { Token = "sub", Group = "lab/r3", Expires = Now });
        var list = _commands.ListTokens(Operator).Tokens!;
        Assert.Equal(2, list.Count);
        Assert.True(list[0].Expires < list[1].Expires);
        Assert.True(_commands.ListTokens(Presenter).NotAuthorised);
    }
}
