using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// Browsers in a cluster of three real nodes sharing one Redis: pages loaded from two different
/// nodes meet in one group on the node that serves it, and when that node is killed both find
/// the group again on a survivor by themselves.
/// </summary>
/// (The reconnection tests' fixture: one browser, servers started by each test.)
public sealed class ClusterFailoverTests(ReconnectFixture fixture) : IClassFixture<ReconnectFixture>
{
    [Fact]
    public async Task Pages_on_different_nodes_meet_and_after_the_host_is_killed_reconnect_by_themselves_to_one_survivor()
    {
        await using var cluster = await ClusterNodes.StartAsync(new Dictionary<string, string> { ["g"] = GroupFiles.Ordinary });
        // Placing the group first (as the first .status does) lets the pages come from the two
        // other nodes: each is sent to the host by its .status, and each can still re-read
        // .status from its own node once the host is gone.
        var host = await PlaceAsync(cluster, "g");
        var origins = cluster.Live.Where(n => n != host).ToList();
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        await GroupPage.LoginAsync(pages.Ada, $"{origins[0].BaseUrl}/group/g/", "ada", "secret");
        await GroupPage.LoginAsync(pages.Bob, $"{origins[1].BaseUrl}/group/g/", "bob", "builder");
        await Expect(GroupPage.Users(pages.Ada)).ToContainTextAsync("bob");
        Assert.Equal(host, await cluster.AwaitHostAsync("g"));
        await MediaPage.Button(pages.Ada, "Camera").ClickAsync();
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada");
        await GroupPage.SayAsync(pages.Ada, "before the failure");
        await Expect(GroupPage.Chat(pages.Bob)).ToContainTextAsync("before the failure");

        await cluster.KillAsync(host);

        foreach (var page in new[] { pages.Ada, pages.Bob })
            await Expect(GroupPage.Notices(page)).ToContainTextAsync("Connection lost — reconnecting");
        // The lease runs out 5 s after the kill at most; backoff attempts come at about 1, 3 and 7 s.
        foreach (var page in new[] { pages.Ada, pages.Bob })
            await Expect(GroupPage.Notices(page)).ToContainTextAsync("Reconnected", new() { Timeout = 30_000 });
        await Expect(GroupPage.Users(pages.Ada)).ToContainTextAsync("bob", new() { Timeout = 15_000 });
        await Expect(GroupPage.Users(pages.Bob)).ToContainTextAsync("ada", new() { Timeout = 15_000 });
        await GroupPage.SayAsync(pages.Bob, "after the failure");
        await Expect(GroupPage.Chat(pages.Ada)).ToContainTextAsync("after the failure");
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada");

        // One survivor serves the group, and both pages are connected to it.
        var survivor = await cluster.AwaitHostAsync("g");
        var endpoint = survivor.BaseUrl.Replace("http://", "ws://") + "/ws";
        Assert.Equal(endpoint, await LastSocketUrlAsync(pages.Ada));
        Assert.Equal(endpoint, await LastSocketUrlAsync(pages.Bob));
    }

    /// <summary>Asks a node's .status, which places the group if nobody serves it, and returns the node it names.</summary>
    static async Task<TesseraProcess> PlaceAsync(ClusterNodes cluster, string group)
    {
        using var http = new HttpClient();
        var status = JsonNode.Parse(await http.GetStringAsync($"{cluster.Live[0].BaseUrl}/group/{group}/.status"))!;
        var endpoint = (string)status["endpoint"]!;
        return cluster.Live.Single(n => endpoint == n.BaseUrl.Replace("http://", "ws://") + "/ws");
    }

    static Task<string> LastSocketUrlAsync(IPage page) => page.EvaluateAsync<string>("() => window.__testSockets.at(-1).url");
}
