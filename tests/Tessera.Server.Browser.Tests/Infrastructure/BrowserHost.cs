using Microsoft.Playwright;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>Headless system Chromium through Playwright (browsers are never downloaded).</summary>
public sealed class BrowserHost : IAsyncDisposable
{
    readonly IPlaywright playwright;
    readonly bool ignoreCertificateErrors;

    public IBrowser Browser { get; }

    BrowserHost(IPlaywright playwright, IBrowser browser, bool ignoreCertificateErrors)
    {
        this.playwright = playwright;
        Browser = browser;
        this.ignoreCertificateErrors = ignoreCertificateErrors;
    }

    /// <param name="executable">What Playwright starts as Chromium: a launcher into a network namespace, or the browser itself.</param>
    /// <param name="extraArguments">More Chromium flags, e.g. a video file as the fake camera.</param>
    /// <param name="secureOrigin">
    /// A plain-HTTP origin other than loopback to treat as secure, since camera and microphone are
    /// only offered to secure contexts.
    /// </param>
    /// <param name="ignoreCertificateErrors">Accept any server certificate (a test server's self-signed one), in pages and in Chromium's own connections.</param>
    public static async Task<BrowserHost> StartAsync(string executable = "/usr/bin/chromium", string? secureOrigin = null,
                                                      IEnumerable<string>? extraArguments = null, bool ignoreCertificateErrors = false)
    {
        // Generous for a loaded CI machine; a passing assertion returns as soon as it holds.
        Assertions.SetDefaultExpectTimeout(10_000);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = executable,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    // Together these also answer getDisplayMedia with a fake screen and no prompt
                    // (without the first it waits for a prompt; without the second it fails with
                    // NotReadableError for the audio), so screen sharing needs no further flag.
                    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                    "--allow-loopback-in-peer-connection", // the test server's media candidates are 127.0.0.1
                    .. secureOrigin is null ? Array.Empty<string>() : [$"--unsafely-treat-insecure-origin-as-secure={secureOrigin}"],
                    .. extraArguments ?? [],
                    .. ignoreCertificateErrors ? ["--ignore-certificate-errors"] : Array.Empty<string>(),
                ],
            });
            return new BrowserHost(playwright, browser, ignoreCertificateErrors);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh, isolated browser profile (no shared storage) with one page.</summary>
    /// <param name="reducedMotion">Asks the page for reduced motion, which also stops the tiles' sliding, so a layout can be measured as soon as it is applied.</param>
    public async Task<IPage> NewPageAsync(ViewportSize? viewport = null, bool reducedMotion = false)
    {
        var context = await Browser.NewContextAsync(new()
        {
            Permissions = ["camera", "microphone"],
            IgnoreHTTPSErrors = ignoreCertificateErrors,
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 },
            ReducedMotion = reducedMotion ? ReducedMotion.Reduce : ReducedMotion.NoPreference,
        });
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        playwright.Dispose();
    }
}
