using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// Browsers on networks that do not let UDP through to the server still see each other: through
/// the built-in TURN server, by default. The browsers' getStats() says which path media took.
/// </summary>
[Collection(NetworkPathCollection.Name)]
public sealed class NetworkPathTests(NetworkPathFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => fixture.Network.AllowEverythingAsync();

    public Task DisposeAsync() => fixture.Network.AllowEverythingAsync();

    [Fact]
    public async Task Relay_only_browsers_exchange_video_through_the_built_in_turn_server_over_udp()
    {
        await using var server = await fixture.StartServerAsync();
        var pairs = await ExchangeVideoAsync(server, relayOnly: true);
        Assert.All(pairs, p => Assert.Equal(("relay", "udp"), (p.LocalType, p.RelayProtocol)));
    }

    [Fact]
    public async Task When_udp_is_dropped_video_goes_over_tcp_straight_to_the_server()
    {
        // Without TURN, so that the direct TCP path is the only one.
        await using var server = await fixture.StartServerAsync(["--turn", ""]);
        await fixture.Network.DropUdpFromBrowsersAsync();
        var pairs = await ExchangeVideoAsync(server, relayOnly: false);
        // The browser's end is an active TCP candidate, which it reports as peer-reflexive once our
        // check response tells it the real port of its connection.
        Assert.All(pairs, p => Assert.Equal(("tcp", "host", "tcp"), (p.LocalProtocol, p.RemoteType, p.RemoteProtocol)));
        Assert.All(pairs, p => Assert.Contains(p.LocalType, new[] { "host", "prflx" }));
    }

    [Fact]
    public async Task When_udp_is_dropped_and_ice_tcp_is_off_video_goes_through_the_built_in_turn_server_over_tcp()
    {
        await using var server = await fixture.StartServerAsync(["--ice-tcp", "off"]);
        await fixture.Network.DropUdpFromBrowsersAsync();
        var pairs = await ExchangeVideoAsync(server, relayOnly: false);
        Assert.All(pairs, p => Assert.Equal(("relay", "tcp"), (p.LocalType, p.RelayProtocol)));
    }

    /// <summary>
    /// ada and bob join, both switch their camera on, each plays the other's video; returns the
    /// selected candidate pairs of both pages, each of which carried media.
    /// </summary>
    async Task<IReadOnlyList<SelectedPair>> ExchangeVideoAsync(TesseraProcess server, bool relayOnly)
    {
        try
        {
            return await ExchangeVideoAsync(relayOnly);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nServer output:\n{server.Output}");
        }
    }

    async Task<IReadOnlyList<SelectedPair>> ExchangeVideoAsync(bool relayOnly)
    {
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        foreach (var page in new[] { pages.Ada, pages.Bob })
        {
            if (relayOnly) await PeerConnections.ForceRelayAsync(page);
            await PeerConnections.RecordAsync(page);
        }
        await pages.JoinAsync(NetworkPathFixture.GroupUrl("path"));
        foreach (var page in new[] { pages.Ada, pages.Bob })
            await MediaPage.Button(page, "Camera").ClickAsync();

        await Expect(MediaPage.RemoteTile(pages.Ada, "bob")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Expect(MediaPage.RemoteTile(pages.Bob, "ada")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await MediaPage.ExpectPlayingVideoAsync(pages.Ada, "bob");
        await MediaPage.ExpectPlayingVideoAsync(pages.Bob, "ada");

        var pairs = new List<SelectedPair>();
        foreach (var page in new[] { pages.Ada, pages.Bob })
        {
            var selected = await PeerConnections.SelectedPairsAsync(page);
            Assert.Equal(2, selected.Count); // the camera going up, the other's coming down
            Assert.All(selected, p => Assert.True(p.BytesReceived > 0, $"no bytes on {p}"));
            pairs.AddRange(selected);
        }
        return pairs;
    }
}
