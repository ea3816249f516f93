using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using Tessera.Testing;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// Single sign-on from end to end: a real OpenID provider (oidc-provider under Node), the real
/// `tessera-auth` with an oidc back end, the real `tessera`. The group "sso" names the portal in
/// its file; config.json names it server-wide (the one-line recipe) for groups without
/// credentials of their own, such as "team".
/// </summary>
public sealed class SingleSignOnFixture : ConferenceFixture
{
    readonly int conferencePort = FreePort.Find();
    readonly int authPort = FreePort.Find();
    string? configDirectory;
    DotnetProcess? authServer;

    public OidcTestProvider Provider { get; private set; } = null!;

    public string AuthBaseUrl => $"http://127.0.0.1:{authPort}";

    string ConferenceBase => $"http://127.0.0.1:{conferencePort}/";

    protected override int? ServerPort => conferencePort;

    protected override string? ConfigJson => $$"""{"authPortal":"{{AuthBaseUrl}}/","authKeys":{{Jwt.AuthKeysJson}}}""";

    protected override async Task StartHelpersAsync()
    {
        var users = new JsonObject
        {
            ["ada"] = new JsonObject { ["password"] = "ada's provider password", ["claims"] = new JsonObject { ["preferred_username"] = "ada", ["groups"] = new JsonArray("staff") } },
            ["bob"] = new JsonObject { ["password"] = "bob's provider password", ["claims"] = new JsonObject { ["preferred_username"] = "bob", ["groups"] = new JsonArray("students") } },
        };
        Provider = await OidcTestProvider.StartAsync(users, new JsonArray(new JsonObject
        {
            ["client_id"] = "tessera",
            ["client_secret"] = "the browser tests' client secret",
            ["redirect_uris"] = new JsonArray($"{AuthBaseUrl}/oidc/staff/callback"),
            ["token_endpoint_auth_method"] = "client_secret_basic",
        }));
        configDirectory = Path.Combine(Path.GetTempPath(), "tessera-auth-sso-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(configDirectory);
        var key = $$"""{"kty":"oct","alg":"HS256","k":"{{Jwt.Base64Url(Jwt.TestKey)}}"}""";
        var config = Path.Combine(configDirectory, "auth.json");
        await File.WriteAllTextAsync(config, $$"""
            {"listen":"127.0.0.1:{{authPort}}","insecure":true,"issuer":"{{AuthBaseUrl}}/","keys":[{{key}}],
             "conferences":["{{ConferenceBase}}"],
             "backends":[{"type":"oidc","name":"staff","label":"Sign in with Staff SSO","issuer":"{{Provider.Issuer}}",
                          "clientId":"tessera","clientSecret":"the browser tests' client secret",
                          "scopes":["openid","profile","groups"]}],
             "portal":true,
             "rules":[{"members":"staff","permissions":"op"},{"members":"students","permissions":"present"}]}
            """);
        authServer = await DotnetProcess.StartAsync(BuildInfo.AuthServerAssembly, ["--config", config],
            configDirectory, AuthBaseUrl + "/.well-known/jwks.json");
    }

    protected override async ValueTask StopHelpersAsync()
    {
        if (authServer is not null) await authServer.DisposeAsync();
        if (Provider is not null) await Provider.DisposeAsync();
        try
        {
            if (configDirectory is not null) Directory.Delete(configDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["sso"] = GroupFiles.WithKeys($$""","authPortal":"{{AuthBaseUrl}}/?return={{ConferenceBase}}group/sso/" """),
        ["team"] = "{}",
    };
}

public sealed class SingleSignOnTests(SingleSignOnFixture fixture) : IClassFixture<SingleSignOnFixture>
{
    [Fact]
    public async Task Signing_in_at_the_provider_brings_the_person_back_into_the_group_with_the_rules_permissions()
    {
        var page = await fixture.Browser.NewPageAsync();
        var received = GroupPage.RecordReceivedFrames(page);

        await page.GotoAsync(fixture.GroupUrl("sso"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Staff SSO" }).ClickAsync();
        await SignInAtProviderAsync(page, "ada", "ada's provider password");

        await Expect(GroupPage.Users(page)).ToContainTextAsync("ada");
        await Expect(GroupPage.MessageBox(page)).ToBeVisibleAsync();
        Assert.Equal(fixture.GroupUrl("sso"), page.Url);
        var joined = GroupPage.Parsed(received).Last(m => m.GetProperty("type").GetString() == "joined"
                                                         && m.GetProperty("kind").GetString() == "join");
        Assert.Equal("ada", joined.GetProperty("username").GetString());
        Assert.Contains("op", joined.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_server_wide_portal_asks_for_the_group_then_signs_in_through_the_provider()
    {
        var page = await fixture.Browser.NewPageAsync();
        var received = GroupPage.RecordReceivedFrames(page);

        await page.GotoAsync(fixture.GroupUrl("team"));
        await Expect(page).ToHaveURLAsync(fixture.AuthBaseUrl + "/");
        await page.GetByLabel("Group").FillAsync("team");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Staff SSO" }).ClickAsync();
        await SignInAtProviderAsync(page, "bob", "bob's provider password");

        await Expect(GroupPage.Users(page)).ToContainTextAsync("bob");
        var joined = GroupPage.Parsed(received).Last(m => m.GetProperty("type").GetString() == "joined"
                                                         && m.GetProperty("kind").GetString() == "join");
        Assert.Equal("bob", joined.GetProperty("username").GetString());
        Assert.Equal(["present", "message"], joined.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!));
        await page.Context.CloseAsync();
    }

    /// <summary>The provider's own login page, then its consent page.</summary>
    async Task SignInAtProviderAsync(IPage page, string user, string password)
    {
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^" + fixture.Provider.Issuer + "/interaction/"));
        await page.GetByLabel("Provider username").FillAsync(user);
        await page.GetByLabel("Provider password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in at provider" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
    }
}
