namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// One real Tessera server (with the groups a test class needs) and one browser, shared by the
/// tests of a class; each test opens its own isolated pages.
/// </summary>
public abstract class ConferenceFixture : IAsyncLifetime
{
    TesseraProcess? server;
    BrowserHost? browser;

    public TesseraProcess Server => server ?? throw new InvalidOperationException("not started");
    public BrowserHost Browser => browser ?? throw new InvalidOperationException("not started");

    /// <summary>Group name → JSON description, written before the server starts.</summary>
    protected abstract IReadOnlyDictionary<string, string> Groups();

    /// <summary>Starts whatever the groups refer to (authorisation server, portal) before the server.</summary>
    protected virtual Task StartHelpersAsync() => Task.CompletedTask;

    protected virtual ValueTask StopHelpersAsync() => ValueTask.CompletedTask;

    /// <summary>A port chosen before start-up, for helpers that must know the server's URL; null: any.</summary>
    protected virtual int? ServerPort => null;

    /// <summary>Chromium flags besides the usual ones (see <see cref="BrowserHost"/>).</summary>
    protected virtual IEnumerable<string> BrowserArguments => [];

    /// <summary>data/config.json for the server; null: none.</summary>
    protected virtual string? ConfigJson => null;

    public string GroupUrl(string group) => $"{Server.BaseUrl}/group/{group}/";

    public async Task InitializeAsync()
    {
        try
        {
            // The browser needs nothing of the server's: it starts while the helpers and the server do.
            var browserStarting = BrowserHost.StartAsync(extraArguments: BrowserArguments);
            try
            {
                await StartHelpersAsync();
                server = await TesseraProcess.StartAsync(Groups(), ServerPort, ConfigJson);
            }
            finally
            {
                // Awaited even when the server failed, so a browser that did start is closed below.
                browser = await browserStarting;
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        if (server is not null) await server.DisposeAsync();
        await StopHelpersAsync();
        browser = null;
        server = null;
    }
}
