using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// A server whose config allows one foreign origin, a little web server of the fixture's that
/// serves the encoder's blank page: the WHIP client runs cross-origin and goes through CORS as a
/// web-based encoder would.
/// </summary>
public sealed class WhipFixture : ConferenceFixture
{
    LoopbackWebHost? studio;

    /// <summary>The page the encoder runs in: another origin than <see cref="ConferenceFixture.GroupUrl"/>'s.</summary>
    public string EncoderOrigin => studio!.BaseUrl;

    protected override async Task StartHelpersAsync() =>
        studio = await LoopbackWebHost.StartAsync(app =>
            app.MapGet("/", () => Microsoft.AspNetCore.Http.Results.Content("<!doctype html><title>studio</title>", "text/html")));

    protected override async ValueTask StopHelpersAsync()
    {
        if (studio is not null) await studio.DisposeAsync();
    }

    protected override string? ConfigJson => $$"""{"allowOrigin": ["{{EncoderOrigin}}"]}""";

    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["stage"] = """
            {"users":{"bob":{"password":"builder","permissions":"present"}},
             "wildcard-user":{"password":"","permissions":"present"}}
            """,
        ["studio"] = GroupFiles.WithKeys(""","users":{"bob":{"password":"builder","permissions":"present"}}"""),
    };
}

/// <summary>WHIP ingest (http.md §12) end to end: an encoder publishes, a browser member plays it.</summary>
public sealed class WhipTests(WhipFixture fixture) : IClassFixture<WhipFixture>
{
    [Fact]
    public async Task A_WHIP_stream_plays_in_a_members_page_survives_an_ICE_restart_and_goes_with_DELETE()
    {
        var bob = await fixture.Browser.NewPageAsync();
        var encoderPage = await fixture.Browser.NewPageAsync();
        try
        {
            await GroupPage.LoginAsync(bob, fixture.GroupUrl("stage"), "bob", "builder");
            await encoderPage.GotoAsync(fixture.EncoderOrigin + "/");
            var encoder = await WhipBrowserClient.InstallAsync(encoderPage);

            var created = await encoder.PublishAsync(fixture.Server.BaseUrl + "/group/stage/.whip");
            Assert.Equal(201, created.GetProperty("status").GetInt32());
            Assert.StartsWith("/group/stage/.whip/", created.GetProperty("location").GetString());

            // The encoder is a member named "whip", and its stream plays in bob's page like a camera.
            await Expect(GroupPage.Users(bob)).ToContainTextAsync("whip");
            await Expect(MediaPage.RemoteTile(bob, "whip")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
            await MediaPage.ExpectPlayingVideoAsync(bob, "whip");
            Assert.Equal(204, await encoder.TrickleAsync());

            // ICE restart by PATCH: new credentials both ways, and the media flows on.
            var restart = await encoder.RestartIceAsync();
            Assert.Equal(200, restart.GetProperty("status").GetInt32());
            Assert.NotEqual(restart.GetProperty("previousUfrag").GetString(), restart.GetProperty("ufrag").GetString());
            Assert.NotEqual(created.GetProperty("etag").GetString(), restart.GetProperty("etag").GetString());
            await encoder.ExpectSendingAsync();
            await MediaPage.ExpectPlayingVideoAsync(bob, "whip");

            // The old entity tag is stale now.
            Assert.Equal(412, await encoder.RequestAsync("DELETE", created.GetProperty("etag").GetString()));

            Assert.Equal(200, await encoder.StopAsync());
            await Expect(MediaPage.RemoteTile(bob, "whip")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
            await Expect(GroupPage.Users(bob)).Not.ToContainTextAsync("whip");
        }
        finally
        {
            await bob.Context.CloseAsync();
            await encoderPage.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_token_names_the_encoder_and_guards_its_session()
    {
        var bob = await fixture.Browser.NewPageAsync();
        var encoderPage = await fixture.Browser.NewPageAsync();
        try
        {
            await GroupPage.LoginAsync(bob, fixture.GroupUrl("studio"), "bob", "builder");
            await encoderPage.GotoAsync(fixture.EncoderOrigin + "/");
            var encoder = await WhipBrowserClient.InstallAsync(encoderPage);
            var endpoint = fixture.Server.BaseUrl + "/group/studio/.whip";

            // Without a token this group admits nobody; a token for another group is refused too.
            var refused = await encoder.PublishAsync(endpoint);
            Assert.Equal(401, refused.GetProperty("status").GetInt32());
            Assert.Contains("empty password", refused.GetProperty("text").GetString());
            var elsewhere = await encoder.PublishAsync(endpoint, Jwt.Mint(fixture.GroupUrl("stage"), "obs", ["present"]));
            Assert.Equal(401, elsewhere.GetProperty("status").GetInt32());

            var token = Jwt.Mint(fixture.GroupUrl("studio"), "obs-studio", ["present"]);
            var created = await encoder.PublishAsync(endpoint, token);
            Assert.Equal(201, created.GetProperty("status").GetInt32());
            await MediaPage.ExpectPlayingVideoAsync(bob, "obs-studio");

            // Without the token the session cannot be ended; with it, it can.
            Assert.Equal(403, await encoder.RequestAsync("DELETE", null, withToken: false));
            Assert.Equal(200, await encoder.StopAsync());
            await Expect(MediaPage.RemoteTile(bob, "obs-studio")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        }
        finally
        {
            await bob.Context.CloseAsync();
            await encoderPage.Context.CloseAsync();
        }
    }
}
