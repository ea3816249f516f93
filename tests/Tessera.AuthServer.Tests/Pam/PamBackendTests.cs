using System.Net;
using System.Text.Json.Nodes;
using Tessera.AuthServer.Backends;
using Tessera.AuthServer.Backends.Pam;
using Tessera.AuthServer.Configuration;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Pam;

public sealed class PamBackendTests(UnixAccountFixture account) : IClassFixture<UnixAccountFixture>
{
    private PamBackend Backend() => new(new PamBackendConfig { Service = account.Service });

    [RootFact]
    public async Task The_right_password_authenticates_and_reports_unix_groups()
    {
        using var backend = Backend();
        var result = Assert.IsType<BackendResult.Authenticated>(
            await backend.AuthenticateAsync(account.User, UnixAccountFixture.Password, CancellationToken.None));
        Assert.Contains(account.Group, result.Groups);
    }

    [RootFact]
    public async Task The_passwd_name_is_the_accounts_name_and_padding_is_trimmed_before_pam_sees_it()
    {
        using var backend = Backend();
        var result = Assert.IsType<BackendResult.Authenticated>(
            await backend.AuthenticateAsync(account.User, UnixAccountFixture.Password, CancellationToken.None));
        Assert.Equal(account.User, result.CanonicalName);
        await using var server = await TestAuthServer.StartAsync(c =>
        {
            c["backends"] = new JsonArray(new JsonObject { ["type"] = "pam", ["service"] = account.Service });
            c["rules"] = new JsonArray(
                new JsonObject { ["users"] = account.User, ["deny"] = true },
                new JsonObject { ["permissions"] = "op" });
        });
        // Unix names are case-sensitive: a retyped case is another (unknown) name, and padding
        // is trimmed, so the deny rule for the account holds whatever the spelling.
        foreach (var spelling in new[] { " " + account.User, account.User + " " })
            Assert.Equal(HttpStatusCode.Forbidden, (await server.PostLoginAsync(spelling, UnixAccountFixture.Password, TestAuthServer.Conference + "group/lab/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await server.PostLoginAsync(account.User.ToUpperInvariant(), UnixAccountFixture.Password, TestAuthServer.Conference + "group/lab/")).StatusCode);
    }

    [RootFact]
    public async Task A_wrong_password_is_refused()
    {
        using var backend = Backend();
        Assert.IsType<BackendResult.Refused>(await backend.AuthenticateAsync(account.User, "wrong", CancellationToken.None));
    }

    [RootFact]
    public async Task An_empty_password_is_refused()
    {
        using var backend = Backend();
        Assert.IsType<BackendResult.Refused>(await backend.AuthenticateAsync(account.User, "", CancellationToken.None));
    }

    [RootFact]
    public async Task An_account_that_does_not_exist_is_unknown()
    {
        using var backend = Backend();
        Assert.IsType<BackendResult.Unknown>(await backend.AuthenticateAsync("no-such-user-" + account.User, "x", CancellationToken.None));
    }

    [RootFact]
    public async Task Unix_groups_drive_the_rules_over_http()
    {
        await using var server = await TestAuthServer.StartAsync(c =>
        {
            c["backends"] = new JsonArray(new JsonObject { ["type"] = "pam", ["service"] = account.Service });
            c["rules"] = new JsonArray(
                new JsonObject { ["groups"] = "lab", ["members"] = account.Group, ["permissions"] = new JsonArray("present", "message") },
                new JsonObject { ["groups"] = "**", ["deny"] = true });
        });
        var ok = await server.PostLoginAsync(account.User, UnixAccountFixture.Password, TestAuthServer.Conference + "group/lab/");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var claims = TokenChecks.Claims(await ok.Content.ReadAsStringAsync());
        Assert.Equal(["present", "message"], claims.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(HttpStatusCode.Forbidden,
            (await server.PostLoginAsync(account.User, UnixAccountFixture.Password, TestAuthServer.Conference + "group/other/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await server.PostLoginAsync(account.User, "wrong", TestAuthServer.Conference + "group/lab/")).StatusCode);
    }

    [Fact]
    public void A_service_name_with_a_slash_is_refused() =>
        Assert.Throws<ConfigException>(() => new PamBackend(new PamBackendConfig { Service = "../passwd" }));
}
