using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>The video tiles and media settings of the group page.</summary>
public static class MediaPage
{
    // Videos of remote tiles, optionally only those whose caption is exactly `caption`.
    const string RemoteVideos = """
        const remoteVideos = (caption) => [...document.querySelectorAll("figure.tile:not(.tile-local)")]
            .filter((f) => caption === null || f.querySelector("figcaption").textContent === caption)
            .map((f) => f.querySelector("video"));
        """;

    /// <summary>Tiles showing what others send.</summary>
    public static ILocator RemoteTiles(IPage page) => page.Locator("figure.tile:not(.tile-local)");

    /// <summary>The remote tile captioned exactly so ("ada", "ada (screen)").</summary>
    public static ILocator RemoteTile(IPage page, string caption) =>
        RemoteTiles(page).Filter(new()
        {
            Has = page.Locator("figcaption", new() { HasTextRegex = new Regex($"^{Regex.Escape(caption)}$") }),
        });

    public static ILocator Button(IPage page, string name) =>
        page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>Chooses a receive preset in the media settings (opening them if needed).</summary>
    public static async Task ReceiveAsync(IPage page, string preset)
    {
        var select = page.GetByLabel("Receive", new() { Exact = true });
        if (!await select.IsVisibleAsync())
            await Button(page, "Settings").ClickAsync();
        await select.SelectOptionAsync(preset);
    }

    /// <summary>
    /// Waits until a remote tile (any, or the one captioned so) decodes video frames and its
    /// playback clock keeps advancing.
    /// </summary>
    public static async Task ExpectPlayingVideoAsync(IPage page, string? caption = null, int timeoutMs = 20_000)
    {
        var decoding = await page.WaitForFunctionAsync($$"""
            (caption) => {
                {{RemoteVideos}}
                const video = remoteVideos(caption).find((v) => v.videoWidth > 0);
                return video ? { time: video.currentTime } : null;
            }
            """, caption, new() { Timeout = timeoutMs });
        var time = (await decoding.JsonValueAsync<JsonElement>()).GetProperty("time").GetDouble();
        await page.WaitForFunctionAsync($$"""
            ({ caption, time }) => {
                {{RemoteVideos}}
                return remoteVideos(caption).some((v) => v.videoWidth > 0 && v.currentTime > time + 0.5);
            }
            """, new { caption, time }, new() { Timeout = 10_000 });
    }
}
