using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>One browser; each test starts (and kills, and restarts) its own servers.</summary>
public sealed class ReconnectFixture : IAsyncLifetime
{
    BrowserHost? browser;

    public BrowserHost Browser => browser ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => browser = await BrowserHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
    }
}

/// <summary>
/// The page gets back into its group by itself when the connection drops unexpectedly (the
/// server killed and started again on the same port), and only then: not after Leave, not after
/// a refused join. Pages whose timers matter run on Playwright's fake clock, so the backoff
/// schedule is read from what the page logs and advanced explicitly, never waited out.
/// </summary>
public sealed partial class ReconnectTests(ReconnectFixture fixture) : IClassFixture<ReconnectFixture>
{
    static readonly Dictionary<string, string> OneGroup = new() { ["g"] = GroupFiles.Ordinary };

    static string GroupUrl(TesseraProcess server) => $"{server.BaseUrl}/group/g/";

    static ILocator Banner(IPage page) => page.GetByRole(AriaRole.Region, new() { Name = "Reconnecting", Exact = true });

    static ILocator LoginExplanation(IPage page) => page.Locator("#login-explanation");

    [Fact]
    public async Task After_the_server_restarts_a_publisher_rejoins_by_itself_and_its_video_reaches_the_other_page_again()
    {
        await using var server = await TesseraProcess.StartAsync(OneGroup);
        await using var pages = await TwoPages.JoinedAsync(fixture.Browser, GroupUrl(server));
        await MediaPage.Button(pages.Ada, "Camera").ClickAsync();
        await MediaPage.Button(pages.Ada, "Microphone").ClickAsync();
        await MediaPage.Button(pages.Ada, "Mute").ClickAsync();
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada");
        await pages.Ada.GetByRole(AriaRole.Button, new() { Name = "Raise hand" }).ClickAsync();
        await Expect(GroupPage.UserEntry(pages.Bob, "ada")).ToContainTextAsync("hand raised");

        await server.KillAsync();

        await Expect(GroupPage.Notices(pages.Ada)).ToContainTextAsync("Connection lost — reconnecting in");
        await Expect(Banner(pages.Ada)).ToContainTextAsync("Connection lost — reconnecting");
        await Expect(MediaPage.RemoteTiles(pages.Bob)).ToHaveCountAsync(0);
        // The call view stays, with the camera preview.
        await Expect(GroupPage.MessageBox(pages.Ada)).ToBeVisibleAsync();
        await Expect(pages.Ada.Locator("figure.tile-local")).ToHaveCountAsync(1);
        // The banner and its buttons keep the page accessible while it waits.
        Assert.Empty(await Axe.SeriousViolationsAsync(pages.Ada));

        await server.RestartAsync();

        // Backoff may have reached 8 s or 16 s while the server started: generous timeouts.
        await Expect(GroupPage.Notices(pages.Ada)).ToContainTextAsync("Reconnected", new() { Timeout = 60_000 });
        await Expect(Banner(pages.Ada)).ToBeHiddenAsync();
        await Expect(GroupPage.Users(pages.Ada)).ToContainTextAsync("bob", new() { Timeout = 60_000 });
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada", timeoutMs: 60_000);
        await Expect(MediaPage.Button(pages.Ada, "Camera")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(MediaPage.Button(pages.Ada, "Mute")).ToHaveAttributeAsync("aria-pressed", "true");
        // The raised hand comes back with the session: the others see it again.
        await Expect(GroupPage.UserEntry(pages.Bob, "ada")).ToContainTextAsync("hand raised");
        await Expect(pages.Ada.GetByRole(AriaRole.Button, new() { Name = "Raise hand" })).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.False(await pages.Ada.EvaluateAsync<bool>(
            "() => document.querySelector('figure.tile-local video').srcObject.getAudioTracks()[0].enabled"));
    }

    [Fact]
    public async Task Attempts_follow_an_exponential_backoff_capped_at_thirty_seconds_and_can_be_hurried_or_stopped()
    {
        await using var scene = await StartSceneAsync();
        var (server, page, attempts) = scene;
        await GroupPage.LoginAsync(page, GroupUrl(server), "ada", "secret");

        await server.KillAsync();

        for (var n = 1; n <= 7; n++)
        {
            var delay = await attempts.NthAsync(n);
            var nominal = 1000 * Math.Pow(2, n - 1);
            Assert.InRange(delay, Math.Min(30_000, 0.8 * nominal), Math.Min(30_000, 1.2 * nominal));
            var seconds = (int)Math.Ceiling(delay / 1000.0);
            await Expect(GroupPage.Notices(page)).ToContainTextAsync($"Connection lost — reconnecting in {seconds} s…");
            // The server stays down: the attempt fails and the next one is scheduled.
            await page.Clock.RunForAsync(delay);
        }

        // "Reconnect now" runs the waiting attempt at once; it fails, so another 30 s wait follows.
        Assert.Equal(30_000, await attempts.NthAsync(8));
        await page.GetByRole(AriaRole.Button, new() { Name = "Reconnect now", Exact = true }).ClickAsync();
        Assert.Equal(30_000, await attempts.NthAsync(9));

        await page.GetByRole(AriaRole.Button, new() { Name = "Stop reconnecting", Exact = true }).ClickAsync();
        await Expect(LoginExplanation(page)).ToHaveTextAsync("You stopped reconnecting.");
        await Expect(Banner(page)).ToBeHiddenAsync();
        await ExpectNoMoreAttemptsAsync(page, attempts, 9);
    }

    [Fact]
    public async Task Leaving_deliberately_never_reconnects_even_when_the_connection_then_drops()
    {
        await using var scene = await StartSceneAsync();
        var (server, page, attempts) = scene;
        await GroupPage.LoginAsync(page, GroupUrl(server), "ada", "secret");
        await MediaPage.Button(page, "Leave").ClickAsync();
        await Expect(LoginExplanation(page)).ToHaveTextAsync("You left the group.");

        await ExpectNoReconnectionAfterServerDiesAsync(scene);
        await Expect(GroupPage.Notices(page)).Not.ToContainTextAsync("Connection lost");
    }

    [Fact]
    public async Task A_refused_join_never_starts_reconnecting()
    {
        await using var scene = await StartSceneAsync();
        var (server, page, attempts) = scene;
        await GroupPage.SubmitLoginAsync(page, GroupUrl(server), "ada", "wrong");
        await Expect(LoginExplanation(page)).ToContainTextAsync("The server said");

        await ExpectNoReconnectionAfterServerDiesAsync(scene);
    }

    [Fact]
    public async Task A_rejoin_the_server_refuses_ends_reconnecting_at_the_login_form()
    {
        await using var scene = await StartSceneAsync();
        var (server, page, attempts) = scene;
        await GroupPage.LoginAsync(page, GroupUrl(server), "ada", "secret");

        await server.KillAsync();
        // While it was down, ada's password changed.
        await File.WriteAllTextAsync(Path.Combine(server.GroupsDirectory, "g.json"),
            GroupFiles.Ordinary.Replace("\"secret\"", "\"changed\""));
        await server.RestartAsync();
        await page.Clock.RunForAsync(await attempts.NthAsync(1));

        await Expect(LoginExplanation(page)).ToContainTextAsync("The server said: not authorised");
        await Expect(Banner(page)).ToBeHiddenAsync();
        await Expect(GroupPage.MessageBox(page)).ToBeHiddenAsync();
        await ExpectNoMoreAttemptsAsync(page, attempts, 1);
        Assert.Equal(2, await SocketCountAsync(page));
    }

    /// <summary>
    /// The page's origin (A) at first names another node (B) as its endpoint, and B answers the
    /// join with a redirect to the same group page. What a cluster's node does when the group
    /// is hosted elsewhere is simulated by changing A's proxyURL, which is what sets the endpoint
    /// its .status advertises: the page re-reads .status and follows it, never leaving the page.
    /// </summary>
    [Fact]
    public async Task A_redirect_to_the_same_group_page_reconnects_through_status_at_once_then_backs_off_if_it_repeats()
    {
        var portA = FreePort.Find();
        var portB = FreePort.Find();
        var originA = $"http://127.0.0.1:{portA}";
        await using var nodes = await NodesAsync(
            TesseraProcess.StartAsync(OneGroup, portA, $$"""{"proxyURL":"http://127.0.0.1:{{portB}}"}"""),
            TesseraProcess.StartAsync(
                new Dictionary<string, string> { ["g"] = $$"""{"redirect":"http://localhost:{{portA}}/group/g/"}""" },
                portB, $$"""{"allowOrigin":["{{originA}}"]}"""));
        var nodeA = nodes.A;
        await using var watched = await OpenOnFakeClockAsync();
        var (page, attempts) = (watched.Page, watched.Attempts);

        await GroupPage.SubmitLoginAsync(page, GroupUrl(nodeA), "ada", "secret");

        // Followed once at once (no timer ran: the clock is fake and untouched), and since B
        // still redirects, the next attempt waits its turn.
        var delay = await attempts.NthAsync(1);
        Assert.Equal(new[] { $"ws://127.0.0.1:{portB}/ws", $"ws://127.0.0.1:{portB}/ws" }, await SocketUrlsAsync(page));

        // Now A's .status names A itself.
        var config = Path.Combine(nodeA.Data, "config.json");
        await File.WriteAllTextAsync(config + ".new", "{}");
        File.Move(config + ".new", config, overwrite: true);
        await page.Clock.RunForAsync(delay);

        await Expect(GroupPage.MessageBox(page)).ToBeVisibleAsync();
        await Expect(GroupPage.Users(page)).ToContainTextAsync("ada");
        Assert.Equal(GroupUrl(nodeA), page.Url);
        Assert.Equal($"ws://127.0.0.1:{portA}/ws", (await SocketUrlsAsync(page))[^1]);
        // A holds ada: someone else who joins there sees her.
        var bob = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(bob, GroupUrl(nodeA), "bob", "builder");
        await Expect(GroupPage.Users(bob)).ToContainTextAsync("ada");
        await bob.Context.CloseAsync();
    }

    /// <summary>A redirect to another group (an alias) is a page to go to, as before: no reconnection.</summary>
    [Fact]
    public async Task A_redirect_to_another_group_page_navigates_there()
    {
        var portA = FreePort.Find();
        var portB = FreePort.Find();
        await using var nodes = await NodesAsync(
            TesseraProcess.StartAsync(
                new Dictionary<string, string> { ["g"] = GroupFiles.Ordinary, ["elsewhere"] = GroupFiles.Ordinary }, portA,
                $$"""{"proxyURL":"http://127.0.0.1:{{portB}}"}"""),
            TesseraProcess.StartAsync(
                new Dictionary<string, string> { ["g"] = $$"""{"redirect":"http://127.0.0.1:{{portA}}/group/elsewhere/"}""" },
                portB, $$"""{"allowOrigin":["http://127.0.0.1:{{portA}}"]}"""));
        var nodeA = nodes.A;
        await using var watched = await OpenOnFakeClockAsync();
        var (page, attempts) = (watched.Page, watched.Attempts);

        await GroupPage.SubmitLoginAsync(page, GroupUrl(nodeA), "ada", "secret");

        await page.WaitForURLAsync($"http://127.0.0.1:{portA}/group/elsewhere/");
        await Expect(page.GetByLabel("Username", new() { Exact = true })).ToBeVisibleAsync();
        Assert.Equal(0, attempts.Count);
    }

    /// <summary>A fresh page on a paused fake clock whose sockets are recorded, and the reconnection attempts it logs.</summary>
    async Task<WatchedPage> OpenOnFakeClockAsync()
    {
        var page = await fixture.Browser.NewPageAsync();
        await PageSocket.RecordAsync(page);
        var attempts = new AttemptLog(page);
        // Installed, the fake clock still follows real time; paused, it moves only when told. It is
        // paused well ahead of the start, since pausing at a moment already past fails, and under load
        // seconds can go by between the two calls; the blank page has no timer to fire on the way.
        var start = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        await page.Clock.InstallAsync(new() { TimeDate = start });
        await page.Clock.PauseAtAsync(start.AddMinutes(10));
        return new WatchedPage(page, attempts);
    }

    /// <summary>A server with group g, and a page on the fake clock, started side by side.</summary>
    async Task<Scene> StartSceneAsync()
    {
        var starting = TesseraProcess.StartAsync(OneGroup);
        WatchedPage watched;
        try
        {
            watched = await OpenOnFakeClockAsync();
        }
        catch
        {
            await (await starting).DisposeAsync();
            throw;
        }
        try
        {
            return new Scene(await starting, watched);
        }
        catch
        {
            await watched.DisposeAsync();
            throw;
        }
    }

    /// <summary>Two servers started side by side (start-up is the slow part); if either fails, the other is stopped.</summary>
    static async Task<Nodes> NodesAsync(Task<TesseraProcess> a, Task<TesseraProcess> b)
    {
        try
        {
            await Task.WhenAll(a, b);
        }
        catch
        {
            if (a.IsCompletedSuccessfully) await a.Result.DisposeAsync();
            if (b.IsCompletedSuccessfully) await b.Result.DisposeAsync();
            throw;
        }
        return new Nodes(a.Result, b.Result);
    }

    /// <summary>Disposing stops both servers.</summary>
    sealed record Nodes(TesseraProcess A, TesseraProcess B) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }

    /// <summary>Disposing closes the page's profile and stops the server.</summary>
    sealed record Scene(TesseraProcess Server, WatchedPage Watched) : IAsyncDisposable
    {
        public IPage Page => Watched.Page;
        public AttemptLog Attempts => Watched.Attempts;

        public void Deconstruct(out TesseraProcess server, out IPage page, out AttemptLog attempts) =>
            (server, page, attempts) = (Server, Page, Attempts);

        public async ValueTask DisposeAsync()
        {
            await Watched.DisposeAsync();
            await Server.DisposeAsync();
        }
    }

    /// <summary>Disposing closes the page's browser profile.</summary>
    sealed record WatchedPage(IPage Page, AttemptLog Attempts) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
    }

    /// <summary>The server dies; the page, which is not in the group, opens no connection and schedules nothing.</summary>
    static async Task ExpectNoReconnectionAfterServerDiesAsync(Scene scene)
    {
        await scene.Server.KillAsync();
        await WaitUntilClosedAsync(scene.Page);
        await ExpectNoMoreAttemptsAsync(scene.Page, scene.Attempts, 0);
        Assert.Equal(1, await SocketCountAsync(scene.Page));
    }

    /// <summary>
    /// Two minutes of the page's time pass (any attempt scheduled would run); the evaluation
    /// after it is the round trip that brings every console message the page logged before it.
    /// </summary>
    static async Task ExpectNoMoreAttemptsAsync(IPage page, AttemptLog attempts, int count)
    {
        await page.Clock.RunForAsync(120_000);
        await page.EvaluateAsync("() => 0");
        Assert.Equal(count, attempts.Count);
        await Expect(Banner(page)).ToBeHiddenAsync();
    }

    /// <summary>Every socket the page opened is closed: its close handler has run (readyState turns CLOSED in the task that dispatches the event).</summary>
    static Task WaitUntilClosedAsync(IPage page) =>
        Eventually.True(() => page.EvaluateAsync<bool>("() => window.__testSockets.every((s) => s.readyState === WebSocket.CLOSED)"),
                        "the page's connection to close");

    static Task<int> SocketCountAsync(IPage page) => page.EvaluateAsync<int>("() => window.__testSockets.length");

    static Task<string[]> SocketUrlsAsync(IPage page) => page.EvaluateAsync<string[]>("() => window.__testSockets.map((s) => s.url)");

    /// <summary>The delays of the attempts the page schedules, as it logs them ("Reconnect attempt N in D ms").</summary>
    sealed partial class AttemptLog
    {
        readonly List<int> delays = [];

        public AttemptLog(IPage page) => page.Console += (_, message) =>
        {
            var match = Line().Match(message.Text);
            if (!match.Success) return;
            lock (delays) delays.Add(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        };

        public int Count
        {
            get { lock (delays) return delays.Count; }
        }

        /// <summary>The delay of attempt n (from 1), once logged.</summary>
        public async Task<int> NthAsync(int n)
        {
            await Eventually.True(() => Count >= n, $"reconnection attempt {n} to be scheduled");
            lock (delays) return delays[n - 1];
        }

        [GeneratedRegex(@"^Reconnect attempt \d+ in (\d+) ms$")]
        private static partial Regex Line();
    }
}
