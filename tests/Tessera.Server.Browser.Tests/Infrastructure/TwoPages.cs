using Microsoft.Playwright;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// ada (operator) and bob (presenter) in one group, each in an isolated browser profile.
/// Created first so a test can attach recorders or init scripts before the pages load (each
/// page's protocol connection is recorded, see <see cref="PageSocket"/>); disposing closes both profiles.
/// </summary>
public sealed class TwoPages : IAsyncDisposable
{
    public IPage Ada { get; }
    public IPage Bob { get; }

    TwoPages(IPage ada, IPage bob)
    {
        Ada = ada;
        Bob = bob;
    }

    /// <summary>Two fresh pages, not yet in any group.</summary>
    public static async Task<TwoPages> OpenAsync(BrowserHost browser)
    {
        var ada = await browser.NewPageAsync();
        try
        {
            var bob = await browser.NewPageAsync();
            await PageSocket.RecordAsync(ada);
            await PageSocket.RecordAsync(bob);
            return new TwoPages(ada, bob);
        }
        catch
        {
            await ada.Context.CloseAsync();
            throw;
        }
    }

    /// <summary>Two fresh pages, both logged into the group and each seeing the other.</summary>
    public static async Task<TwoPages> JoinedAsync(BrowserHost browser, string groupUrl)
    {
        var pages = await OpenAsync(browser);
        try
        {
            await pages.JoinAsync(groupUrl);
            return pages;
        }
        catch
        {
            await pages.DisposeAsync();
            throw;
        }
    }

    /// <summary>Logs ada then bob in and waits until ada's user list shows bob.</summary>
    public async Task JoinAsync(string groupUrl)
    {
        await GroupPage.LoginAsync(Ada, groupUrl, "ada", "secret");
        await GroupPage.LoginAsync(Bob, groupUrl, "bob", "builder");
        await Expect(GroupPage.Users(Ada)).ToContainTextAsync("bob");
    }

    public async ValueTask DisposeAsync()
    {
        // Closing a profile a test already closed is harmless.
        await Ada.Context.CloseAsync();
        await Bob.Context.CloseAsync();
    }
}
