using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;
using Tessera.Auth.Login;
using Tessera.Auth.Passwords;
using Tessera.Auth.Permissions;
using Tessera.Auth.Tests.Jwt;
using Tessera.Auth.Tokens;

namespace Tessera.Auth.Tests.Login;

public sealed class CredentialCheckerTests : IDisposable
{
    private static readonly DateTimeOffset Now = TokenFactory.Now;
    private readonly TempFolder _folder = new();
    private readonly ManualTimeProvider _clock = new(Now);
    private readonly PasswordVerifier _passwords = new();
    private readonly TokenStore _store;
    private readonly CredentialChecker _checker;
    private static readonly JsonWebKey Key = TestKeys.Private("HS256", kid: "k1");

    public CredentialCheckerTests()
    {
        _store = new TokenStore(_folder.Combine("var", "tokens.jsonl"), _clock);
        _checker = new CredentialChecker(_passwords, _store, _clock);
    }

    public void Dispose()
    {
        _passwords.Dispose();
        _folder.Dispose();
    }

    private static GroupAuthContext Group(UserEntry? wildcard = null, bool allowRecording = false, bool unrestrictedTokens = false) => new()
    {
        GroupName = "lab",
        Users = new Dictionary<string, UserEntry>
        {
            ["prof"] = new() { Password = Password.Plain("chalk"), Permissions = PermissionSpec.Named("op") },
            ["ada"] = new() { Password = Password.Plain("engine"), Permissions = PermissionSpec.Named("present") },
            ["broken"] = new() { Password = Password.FromType("pbkdf2"), Permissions = PermissionSpec.Named("present") },
            ["nobody"] = new() { Password = Password.Plain("x") },
            [""] = new() { Password = Password.Plain("anon"), Permissions = PermissionSpec.Named("observe") },
        },
        WildcardUser = wildcard,
        AuthKeys = [Key],
        AllowRecording = allowRecording,
        UnrestrictedTokens = unrestrictedTokens,
    };

    private Task<CredentialCheckResult> Check(JoinCredentials credentials, GroupAuthContext? group = null) =>
        _checker.CheckAsync(credentials, group ?? Group());

    private static string Jwt(Action<JsonObject>? edit = null)
    {
        var claims = TokenFactory.GoodClaims();
        edit?.Invoke(claims);
        return TokenFactory.Sign(Key, claims);
    }

    // ---- password path (§3)

    [Fact]
    public async Task Named_user_with_right_password_gets_expanded_permissions()
    {
        var result = await Check(new JoinCredentials("prof", "chalk"));
        Assert.Equal(CredentialOutcome.Granted, result.Outcome);
        Assert.Equal("prof", result.Username);
        Assert.Equal(["op", "present", "message", "caption", "token"], result.Permissions);
        Assert.Equal("password", result.Method);
    }

    [Fact]
    public async Task Group_options_augment_named_sets()
    {
        var result = await Check(new JoinCredentials("prof", "chalk"), Group(allowRecording: true));
        Assert.Equal(["record", "op", "present", "message", "caption", "token"], result.Permissions);
        var presenter = await Check(new JoinCredentials("ada", "engine"), Group(unrestrictedTokens: true));
        Assert.Equal(["token", "present", "message"], presenter.Permissions);
    }

    [Fact]
    public async Task User_without_permissions_is_admitted_with_none()
    {
        var result = await Check(new JoinCredentials("nobody", "x"));
        Assert.True(result.IsGranted);
        Assert.Empty(result.Permissions);
    }

    [Fact]
    public async Task Named_user_with_wrong_password_is_refused_and_the_wildcard_is_not_tried()
    {
        var open = Group(wildcard: new UserEntry { Password = Password.Wildcard, Permissions = PermissionSpec.Named("present") });
        Assert.Equal(CredentialOutcome.NotAuthorised, (await Check(new JoinCredentials("prof", "wrong"), open)).Outcome);
    }

    [Fact]
    public async Task Username_is_case_sensitive_and_not_trimmed()
    {
        Assert.Equal(CredentialOutcome.NotAuthorised, (await Check(new JoinCredentials("Prof", "chalk"))).Outcome);
        Assert.Equal(CredentialOutcome.NotAuthorised, (await Check(new JoinCredentials("prof ", "chalk"))).Outcome);
    }

    [Fact]
    public async Task Absent_password_counts_as_empty()
    {
        var group = Group() with { Users = new Dictionary<string, UserEntry> { ["x"] = new() { Password = Password.Plain("") } } };
        Assert.True((await Check(new JoinCredentials("x"), group)).IsGranted);
    }

    [Fact]
    public async Task Malformed_stored_password_of_a_named_user_is_an_internal_error() =>
        Assert.Equal(CredentialOutcome.InternalError, (await Check(new JoinCredentials("broken", "any"))).Outcome);

    [Fact]
    public async Task Empty_username_is_a_username_and_can_be_configured()
    {
        var result = await Check(new JoinCredentials("", "anon"));
        Assert.True(result.IsGranted);
        Assert.Equal("", result.Username);
    }

    [Fact]
    public async Task Wildcard_user_admits_unknown_names_with_its_permissions()
    {
        var open = Group(wildcard: new UserEntry { Password = Password.Wildcard, Permissions = PermissionSpec.Named("present") });
        var result = await Check(new JoinCredentials("guest", "whatever"), open);
        Assert.True(result.IsGranted);
        Assert.Equal("guest", result.Username);
        Assert.Equal(["present", "message"], result.Permissions);
        Assert.Equal("wildcard", result.Method);
    }

    [Fact]
    public async Task Wildcard_user_with_wrong_password_is_refused()
    {
        var group = Group(wildcard: new UserEntry { Password = Password.Plain("door"), Permissions = PermissionSpec.Named("present") });
        Assert.Equal(CredentialOutcome.NotAuthorised, (await Check(new JoinCredentials("guest", "window"), group)).Outcome);
        Assert.True((await Check(new JoinCredentials("guest", "door"), group)).IsGranted);
    }

    [Fact]
    public async Task Wildcard_user_with_malformed_password_counts_as_mismatch()
    {
        var group = Group(wildcard: new UserEntry { Password = Password.FromType("mystery"), Permissions = PermissionSpec.Named("present") });
        Assert.Equal(CredentialOutcome.NotAuthorised, (await Check(new JoinCredentials("guest", "x"), group)).Outcome);
    }

    [Fact]
    public async Task Unknown_user_without_wildcard_is_refused() =>
        Assert.Equal(CredentialOutcome.NotAuthorised, (await Check(new JoinCredentials("stranger", "x"))).Outcome);

    [Fact]
    public async Task No_username_and_no_token_is_refused() =>
        Assert.Equal(CredentialOutcome.NotAuthorised, (await Check(new JoinCredentials(null, "chalk"))).Outcome);

    [Theory]
    [InlineData("/root")]
    [InlineData("a/../b")]
    [InlineData("trailing/")]
    [InlineData("C:\\x")]
    public async Task Invalid_username_admitted_by_the_wildcard_is_refused(string username)
    {
        var open = Group(wildcard: new UserEntry { Password = Password.Wildcard, Permissions = PermissionSpec.Named("present") });
        var result = await Check(new JoinCredentials(username, "x"), open);
        Assert.Equal(CredentialOutcome.NotAuthorised, result.Outcome);
        Assert.Contains("invalid username", result.Reason);
    }

    [Fact]
    public async Task Empty_token_means_password_path()
    {
        Assert.True((await Check(new JoinCredentials("prof", "chalk", ""))).IsGranted);
    }

    // ---- JWT path (§5)

    [Fact]
    public async Task Jwt_sub_is_the_username_and_permissions_are_verbatim()
    {
        var result = await Check(new JoinCredentials("someone-else", null, Jwt(c => c["permissions"] = new JsonArray("present"))));
        Assert.True(result.IsGranted);
        Assert.Equal("ada", result.Username);
        Assert.Equal(["present"], result.Permissions);
        Assert.Equal("jwt", result.Method);
    }

    [Fact]
    public async Task Jwt_sub_may_name_a_configured_user() =>
        Assert.Equal("prof", (await Check(new JoinCredentials(null, null, Jwt(c => c["sub"] = "prof")))).Username);

    [Fact]
    public async Task Jwt_without_sub_and_without_username_gives_the_empty_name()
    {
        var result = await Check(new JoinCredentials(null, null, Jwt(c => c.Remove("sub"))));
        Assert.True(result.IsGranted);
        Assert.Equal("", result.Username);
    }

    [Fact]
    public async Task Jwt_with_empty_sub_takes_the_clients_username()
    {
        var result = await Check(new JoinCredentials("guest", null, Jwt(c => c["sub"] = "")));
        Assert.Equal("guest", result.Username);
    }

    [Fact]
    public async Task Jwt_without_sub_and_a_configured_username_is_a_duplicate() =>
        Assert.Equal(CredentialOutcome.DuplicateUsername, (await Check(new JoinCredentials("prof", null, Jwt(c => c.Remove("sub"))))).Outcome);

    [Fact]
    public async Task Jwt_never_needs_a_username() =>
        Assert.NotEqual(CredentialOutcome.NeedUsername, (await Check(new JoinCredentials(null, null, Jwt(c => c.Remove("sub"))))).Outcome);

    [Fact]
    public async Task Failing_jwt_is_not_authorised_and_never_reaches_the_store()
    {
        var expired = Jwt(c => c["exp"] = TokenFactory.NowSeconds - 60);
        // Even a stored token with the very same string must not rescue a failed JWT.
        _store.Create(new StatefulToken { Token = expired, Group = "lab", Username = "x", Expires = Now.AddDays(1) });
        var result = await Check(new JoinCredentials(null, null, expired));
        Assert.Equal(CredentialOutcome.NotAuthorised, result.Outcome);
        Assert.Contains("expired", result.Reason);
    }

    [Fact]
    public async Task Jwt_password_is_ignored() =>
        Assert.True((await Check(new JoinCredentials("", "nonsense", Jwt()))).IsGranted);

    [Fact]
    public async Task Jwt_with_invalid_sub_username_is_refused() =>
        Assert.Equal(CredentialOutcome.NotAuthorised, (await Check(new JoinCredentials(null, null, Jwt(c => c["sub"] = "/root")))).Outcome);

    [Fact]
    public async Task Jwt_keys_come_from_the_key_source_when_set()
    {
        var other = TestKeys.Private("HS256", kid: "rotated", slot: 9);
        var source = new RecordingKeySource([other]);
        var group = Group() with { KeySource = source };
        var token = TokenFactory.Sign(other, TokenFactory.GoodClaims());
        Assert.True((await Check(new JoinCredentials(null, null, token), group)).IsGranted);
        Assert.Equal("rotated", source.RequestedKeyId);
        Assert.False((await Check(new JoinCredentials(null, null, Jwt()), group)).IsGranted);
    }

    [Fact]
    public async Task With_a_key_source_a_non_jwt_token_still_goes_to_the_store()
    {
        var source = new RecordingKeySource([]);
        Stored("invite9", "guest");
        var result = await Check(new JoinCredentials(null, null, "invite9"), Group() with { KeySource = source });
        Assert.True(result.IsGranted);
        Assert.Equal("token", result.Method);
        Assert.Null(source.RequestedKeyId);
    }

    private sealed class RecordingKeySource(IReadOnlyList<JsonWebKey> keys) : IJwtKeySource
    {
        public string? RequestedKeyId { get; private set; }

        public ValueTask<IReadOnlyList<JsonWebKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken)
        {
            RequestedKeyId = keyId;
            return ValueTask.FromResult(keys);
        }
    }

    // ---- stateful token path (§6)

    private StatefulToken Stored(string name, string? username, string group = "lab") =>
        _store.Create(new StatefulToken { Token = name, Group = group, Username = username, Permissions = ["present", "message"], Expires = Now.AddHours(1) });

    [Fact]
    public async Task Stored_token_grants_its_username_and_permissions()
    {
        Stored("invite1", "guest");
        var result = await Check(new JoinCredentials("", null, "invite1"));
        Assert.True(result.IsGranted);
        Assert.Equal("guest", result.Username);
        Assert.Equal(["present", "message"], result.Permissions);
        Assert.Equal("token", result.Method);
    }

    [Fact]
    public async Task Stored_token_without_username_needs_one_from_the_client()
    {
        Stored("invite2", null);
        Assert.Equal(CredentialOutcome.NeedUsername, (await Check(new JoinCredentials(null, null, "invite2"))).Outcome);
        Assert.Equal("me", (await Check(new JoinCredentials("me", null, "invite2"))).Username);
        Assert.Equal(CredentialOutcome.DuplicateUsername, (await Check(new JoinCredentials("prof", null, "invite2"))).Outcome);
    }

    [Fact]
    public async Task Expired_stored_token_without_username_is_not_authorised()
    {
        Stored("invite3", null);
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(CredentialOutcome.NotAuthorised, (await Check(new JoinCredentials(null, null, "invite3"))).Outcome);
    }

    [Fact]
    public async Task Unknown_stateful_token_is_not_authorised() =>
        Assert.Equal(CredentialOutcome.NotAuthorised, (await Check(new JoinCredentials("prof", "chalk", "nope"))).Outcome);

    [Fact]
    public async Task Two_part_string_is_looked_up_in_the_store()
    {
        Stored("abc.def", "guest");
        Assert.True((await Check(new JoinCredentials(null, null, "abc.def"))).IsGranted);
    }

    [Fact]
    public async Task Without_a_token_store_stateful_tokens_are_refused()
    {
        var checker = new CredentialChecker(_passwords, null, _clock);
        Assert.Equal(CredentialOutcome.NotAuthorised, (await checker.CheckAsync(new JoinCredentials("", null, "x"), Group())).Outcome);
    }

    [Fact]
    public async Task Stored_token_with_invalid_imposed_username_is_refused()
    {
        Stored("invite4", "a/../b");
        Assert.Equal(CredentialOutcome.NotAuthorised, (await Check(new JoinCredentials("", null, "invite4"))).Outcome);
    }

    [Fact]
    public void Credentials_never_print_secrets()
    {
        var text = new JoinCredentials("ada", "hunter2", "tok-secret").ToString();
        Assert.DoesNotContain("hunter2", text);
        Assert.DoesNotContain("tok-secret", text);
    }
}
