using Tessera.Server.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// A publisher that vanishes without any goodbye. (Closing its browser profile, covered in
/// MediaTests, still lets Chromium close the WebSocket and the peer connection properly.)
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class AbruptLeaveTests(MediaFixture fixture)
{
    [Fact]
    public async Task A_publisher_whose_page_crashes_leaves_the_group_and_its_stream_goes_from_the_other_page()
    {
        await using var pages = await TwoPages.JoinedAsync(fixture.Browser, fixture.GroupUrl("abrupt"));
        await MediaPage.Button(pages.Ada, "Camera").ClickAsync();
        await MediaPage.Button(pages.Ada, "Microphone").ClickAsync();
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada");

        // The renderer dies: no leave, no WebSocket close handshake, no DTLS close or RTCP BYE.
        var crashed = new TaskCompletionSource();
        pages.Ada.Crash += (_, _) => crashed.TrySetResult();
        var devtools = await pages.Ada.Context.NewCDPSessionAsync(pages.Ada);
        // Never answered (the page is gone); its failure is expected and ignored.
        _ = devtools.SendAsync("Page.crash").ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        await crashed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await Expect(MediaPage.RemoteTile(pages.Bob, "ada")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await Expect(GroupPage.Users(pages.Bob)).Not.ToContainTextAsync("ada");
    }
}
