using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// The project's own `tessera-auth` as authorisation server and portal for two groups, sharing
/// an HS256 secret with them; config.json also names it server-wide, for a group without
/// credentials of its own ("sso") and one with local users ("classic").
/// </summary>
public sealed class RealAuthFixture : ConferenceFixture
{
    readonly int conferencePort = FreePort.Find();
    string? configDirectory;
    DotnetProcess? authServer;

    public string AuthBaseUrl { get; private set; } = "";

    string ConferenceBase => $"http://127.0.0.1:{conferencePort}/";

    protected override int? ServerPort => conferencePort;

    protected override string? ConfigJson => $$"""{"authServer":"{{AuthBaseUrl}}/","authKeys":{{Jwt.AuthKeysJson}}}""";

    protected override async Task StartHelpersAsync()
    {
        configDirectory = Path.Combine(Path.GetTempPath(), "tessera-auth-browser-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(configDirectory);
        var port = FreePort.Find();
        AuthBaseUrl = $"http://127.0.0.1:{port}";
        await File.WriteAllTextAsync(Path.Combine(configDirectory, "users.json"),
            """{"users":{"olga":{"password":"olga's password","permissions":"op"}}}""");
        var key = $$"""{"kty":"oct","alg":"HS256","k":"{{Jwt.Base64Url(Jwt.TestKey)}}"}""";
        var config = Path.Combine(configDirectory, "auth.json");
        await File.WriteAllTextAsync(config, $$"""
            {"listen":"127.0.0.1:{{port}}","insecure":true,"keys":[{{key}}],
             "conferences":["{{ConferenceBase}}"],
             "backends":[{"type":"file","path":"users.json"}],
             "portal":true,"portalTokenLifetime":300}
            """);
        authServer = await DotnetProcess.StartAsync(BuildInfo.AuthServerAssembly, ["--config", config],
            configDirectory, AuthBaseUrl + "/.well-known/jwks.json");
    }

    protected override async ValueTask StopHelpersAsync()
    {
        if (authServer is not null) await authServer.DisposeAsync();
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
        ["server"] = GroupFiles.WithKeys($$""","authServer":"{{AuthBaseUrl}}/" """),
        ["portal"] = GroupFiles.WithKeys($$""","authPortal":"{{AuthBaseUrl}}/?return={{ConferenceBase}}group/portal/" """),
        ["sso"] = "{}",
        ["classic"] = """{"users":{"carl":{"password":"carl's password","permissions":"present"}}}""",
    };
}

public sealed class RealAuthServerTests(RealAuthFixture fixture) : IClassFixture<RealAuthFixture>
{
    [Fact]
    public async Task Logging_in_through_tessera_auth_joins_with_its_token_and_never_sends_the_password_to_the_conference()
    {
        var page = await fixture.Browser.NewPageAsync();
        var frames = GroupPage.RecordSentFrames(page);

        await GroupPage.LoginAsync(page, fixture.GroupUrl("server"), "olga", "olga's password");

        await Expect(GroupPage.Users(page)).ToContainTextAsync("op");
        lock (frames) Assert.All(frames, f => Assert.DoesNotContain("olga's password", f));
        Assert.Contains(GroupPage.Parsed(frames), m => m.GetProperty("type").GetString() == "join" && m.TryGetProperty("token", out _));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_wrong_password_is_refused_by_tessera_auth()
    {
        var page = await fixture.Browser.NewPageAsync();

        await GroupPage.SubmitLoginAsync(page, fixture.GroupUrl("server"), "olga", "a guess");

        await Expect(GroupPage.Notices(page)).ToContainTextAsync("The authorisation server said 401");
        await Expect(GroupPage.MessageBox(page)).Not.ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_tessera_auth_portal_signs_in_and_sends_the_browser_back_logged_in()
    {
        var page = await fixture.Browser.NewPageAsync();

        await page.GotoAsync(fixture.GroupUrl("portal"));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^" + fixture.AuthBaseUrl));
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync("olga");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("olga's password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(GroupPage.Users(page)).ToContainTextAsync("olga");
        Assert.Equal(fixture.GroupUrl("portal"), page.Url);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_group_without_credentials_of_its_own_logs_in_through_the_server_wide_authorisation_server()
    {
        var page = await fixture.Browser.NewPageAsync();
        var frames = GroupPage.RecordSentFrames(page);

        await GroupPage.LoginAsync(page, fixture.GroupUrl("sso"), "olga", "olga's password");

        await Expect(GroupPage.Users(page)).ToContainTextAsync("olga");
        Assert.Contains(GroupPage.Parsed(frames), m => m.GetProperty("type").GetString() == "join" && m.TryGetProperty("token", out _));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_group_with_its_own_users_keeps_password_login_after_the_server_adds_single_sign_on()
    {
        var page = await fixture.Browser.NewPageAsync();
        var frames = GroupPage.RecordSentFrames(page);

        await GroupPage.LoginAsync(page, fixture.GroupUrl("classic"), "carl", "carl's password");

        await Expect(GroupPage.Users(page)).ToContainTextAsync("carl");
        // Carl's password went to the conference server, as the group asks; the authorisation server never saw him.
        Assert.Contains(GroupPage.Parsed(frames), m => m.GetProperty("type").GetString() == "join"
                                                      && m.TryGetProperty("password", out var p) && p.GetString() == "carl's password");
        await page.Context.CloseAsync();
    }
}
