using Tessera.Auth.Login;
using Tessera.Auth.Tokens;

namespace Tessera.Auth.Tests.Tokens;

public class StatefulTokenValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly HashSet<string> Users = ["bob", ""];

    private static StatefulToken Valid(string? username = "guest") => new()
    {
        Token = "t", Group = "lab", Username = username, Permissions = ["present", "message"], Expires = Now.AddHours(1),
    };

    private static CredentialCheckResult Check(StatefulToken? token, string? clientUsername, string group = "lab") =>
        StatefulTokenValidator.Check(token, group, clientUsername, Users.Contains, Now);

    [Fact]
    public void Unknown_token_is_not_authorised() =>
        Assert.Equal(CredentialOutcome.NotAuthorised, Check(null, "x").Outcome);

    [Fact]
    public void Token_username_overrides_the_clients_even_a_configured_user()
    {
        var result = Check(Valid("bob"), "alice");
        Assert.Equal(CredentialOutcome.Granted, result.Outcome);
        Assert.Equal("bob", result.Username);
        Assert.Equal(["present", "message"], result.Permissions);
    }

    [Fact]
    public void Token_without_username_and_client_without_username_needs_one() =>
        Assert.Equal(CredentialOutcome.NeedUsername, Check(Valid(null), null).Outcome);

    [Fact]
    public void Token_without_username_takes_the_clients()
    {
        var result = Check(Valid(null), "alice");
        Assert.True(result.IsGranted);
        Assert.Equal("alice", result.Username);
    }

    [Fact]
    public void Client_username_naming_a_configured_user_is_a_duplicate() =>
        Assert.Equal(CredentialOutcome.DuplicateUsername, Check(Valid(""), "bob").Outcome);

    [Fact]
    public void Empty_token_username_and_no_client_username_gives_the_empty_name()
    {
        var result = Check(Valid(""), null);
        Assert.True(result.IsGranted);
        Assert.Equal("", result.Username);
    }

    [Fact]
    public void Empty_client_username_is_checked_against_configured_users_too() =>
        Assert.Equal(CredentialOutcome.DuplicateUsername, Check(Valid(null), "").Outcome);

    [Fact]
    public void Null_permissions_grant_nothing() =>
        Assert.Empty(Check(Valid() with { Permissions = null }, null).Permissions);

    [Fact]
    public void Token_for_another_group_is_not_authorised() =>
        Assert.Equal(CredentialOutcome.NotAuthorised, Check(Valid(), null, group: "other").Outcome);

    [Fact]
    public void Token_with_include_subgroups_opens_a_subgroup() =>
        Assert.True(Check(Valid() with { IncludeSubgroups = true }, null, group: "lab/r3").IsGranted);

    [Fact]
    public void Global_token_opens_every_group_and_the_server_wide_check()
    {
        var global = Valid() with { Group = "", IncludeSubgroups = true };
        Assert.True(Check(global, null, group: "x/y").IsGranted);
        Assert.True(Check(global, null, group: "").IsGranted);
        Assert.False(Check(global with { IncludeSubgroups = false }, null, group: "").IsGranted);
    }

    [Fact]
    public void Token_without_expiry_is_never_valid() =>
        Assert.Equal(CredentialOutcome.NotAuthorised, Check(Valid() with { Expires = null }, null).Outcome);

    [Fact]
    public void Expiry_is_inclusive_and_has_no_leeway()
    {
        Assert.True(Check(Valid() with { Expires = Now }, null).IsGranted);
        Assert.False(Check(Valid() with { Expires = Now.AddTicks(-1) }, null).IsGranted);
    }

    [Fact]
    public void Not_before_is_inclusive_and_has_no_leeway()
    {
        Assert.True(Check(Valid() with { NotBefore = Now }, null).IsGranted);
        Assert.Equal(CredentialOutcome.NotAuthorised, Check(Valid() with { NotBefore = Now.AddTicks(1) }, null).Outcome);
    }

    [Fact]
    public void Expired_token_without_username_is_not_authorised_rather_than_need_username() =>
        Assert.Equal(CredentialOutcome.NotAuthorised, Check(Valid(null) with { Expires = Now.AddDays(-1) }, null).Outcome);

    [Fact]
    public void Foreign_token_without_username_is_not_authorised_rather_than_need_username() =>
        Assert.Equal(CredentialOutcome.NotAuthorised, Check(Valid(null), null, group: "other").Outcome);
}
