using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

public sealed class MediaFixture : ConferenceFixture
{
    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["media"] = GroupFiles.Ordinary,
    };
}

/// <summary>Media through the server's SFU between two real browser pages, on loopback.</summary>
public sealed class MediaTests(MediaFixture fixture) : IClassFixture<MediaFixture>
{
    [Fact]
    public async Task A_camera_reaches_the_other_page_as_playing_video_and_its_tile_goes_when_the_publisher_leaves()
    {
        var ada = await fixture.Browser.NewPageAsync();
        var bob = await fixture.Browser.NewPageAsync();
        try
        {
            await GroupPage.LoginAsync(ada, fixture.GroupUrl("media"), "ada", "secret");
            await GroupPage.LoginAsync(bob, fixture.GroupUrl("media"), "bob", "builder");
            await Expect(GroupPage.Users(ada)).ToContainTextAsync("bob");

            await ada.GetByRole(AriaRole.Button, new() { Name = "Camera" }).ClickAsync();

            // Bob's page gets a tile for ada whose video decodes frames and keeps playing.
            var remote = bob.Locator("figure.tile:not(.tile-local)", new() { HasText = "ada" });
            await Expect(remote).ToHaveCountAsync(1, new() { Timeout = 20_000 });
            await bob.WaitForFunctionAsync("""
                () => [...document.querySelectorAll("figure.tile:not(.tile-local) video")].some(v => v.videoWidth > 0)
                """, null, new() { Timeout = 20_000 });
            var before = await remote.Locator("video").EvaluateAsync<double>("v => v.currentTime");
            await bob.WaitForFunctionAsync(
                "t => [...document.querySelectorAll('figure.tile:not(.tile-local) video')].some(v => v.currentTime > t + 0.5)",
                before, new() { Timeout = 10_000 });

            // Ada goes away: bob's tile for her disappears.
            await ada.Context.CloseAsync();
            await Expect(remote).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        }
        finally
        {
            await ada.Context.CloseAsync();
            await bob.Context.CloseAsync();
        }
    }
}
