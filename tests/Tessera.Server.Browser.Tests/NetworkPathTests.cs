using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
        // Only the UDP URL: given the TCP one too, Chromium once settled on it under load.
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        var pairs = await ExchangeVideoAsync(server, pages, relayOnly: true, keepTurnUrls: PeerConnections.UdpTurnUrls);
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

    [Fact]
    public async Task Relay_only_browsers_given_only_the_turns_url_exchange_video_through_the_built_in_turn_server_over_tls()
    {
        // HTTPS, so the TURN port speaks TLS too and browsers are told its turns: URL; the pages
        // keep only that one, and UDP is dropped: TLS over TCP is the only way in.
        await using var server = await fixture.StartServerAsync(tls: true);
        await fixture.Network.DropUdpFromBrowsersAsync();
        // The server's self-signed certificate: this browser is told to accept it, for the page and
        // for the TURN TLS connection alike (Chromium opens that one through the same network stack).
        await using var browser = await BrowserHost.StartAsync(fixture.Network.ChromiumLauncher, ignoreCertificateErrors: true);
        await using var pages = await TwoPages.OpenAsync(browser);
        var pairs = await ExchangeVideoAsync(server, pages, relayOnly: true, keepTurnUrls: PeerConnections.TurnsUrls, tls: true);
        Assert.All(pairs, p => Assert.Equal(("relay", "tls"), (p.LocalType, p.RelayProtocol)));
        Assert.All(pairs, p => Assert.StartsWith($"turns:{PrivateNetwork.ServerAddress}:1194", p.RelayUrl));
    }

    [Fact]
    public async Task Relay_only_browsers_exchange_video_through_coturn_with_short_lived_credentials_from_its_shared_secret()
    {
        const string secret = "the-shared-secret-of-coturn";
        await using var coturn = await CoturnProcess.StartAsync(fixture.Network, secret, "tessera.test");
        var url = $"turn:{PrivateNetwork.ServerAddress}:{CoturnProcess.Port}";
        var iceServers = $$"""
            [{"urls": ["{{url}}", "{{url}}?transport=tcp"], "username": "tessera", "credential": "{{secret}}", "credentialType": "hmac-sha1"}]
            """;
        // With ice-servers.json, -turn auto runs no TURN server of ours: coturn is the only relay.
        await using var server = await fixture.StartServerAsync(dataFiles: new Dictionary<string, string> { ["ice-servers.json"] = iceServers });
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        var pairs = await ExchangeVideoAsync(server, pages, relayOnly: true);
        Assert.All(pairs, p => Assert.Equal("relay", p.LocalType));
        Assert.All(pairs, p => Assert.StartsWith(url, p.RelayUrl));

        // What the browser was given: a credential for a day, derived from the secret, which it never sees.
        var joined = (await PageSocket.ReceivedAsync(pages.Ada)).First(m => (string?)m["type"] == "joined" && (string?)m["kind"] == "join");
        Assert.DoesNotContain(secret, joined.ToJsonString());
        var given = joined["rtcConfiguration"]!["iceServers"]![0]!;
        var username = (string)given["username"]!;
        long expiry = long.Parse(username.Split(':')[0]);
        Assert.Equal("tessera", username.Split(':')[1]);
        Assert.InRange(expiry - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 86400 - 120, 86400);
        Assert.Equal(Credential(secret, username), (string)given["credential"]!);

        // coturn holds it to that expiry: the same derivation with a time past is refused, one to come accepted.
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var valid = await GatherRelayAsync(pages.Ada, url, $"{now + 3600}:tessera", secret);
        Assert.True(valid.Relays > 0, $"a current credential gathers a relay candidate: {valid}");
        var expired = await GatherRelayAsync(pages.Ada, url, $"{now - 60}:tessera", secret);
        Assert.Equal(0, expired.Relays);
        Assert.Contains(401, expired.Errors);
    }

    static string Credential(string secret, string username) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));

    sealed record Gathering(int Relays, IReadOnlyList<int> Errors);

    /// <summary>
    /// A relay-only peer connection of the page's own, with the given TURN credential: what it
    /// gathered by the time coturn decided, that is its first relay candidate or its refusal (401)
    /// of the credential, or else by the end of gathering. Gathering itself ends only once every
    /// local address has given up on the TURN server, which from one that cannot reach it (the
    /// loopback interface) takes STUN's whole retransmission schedule, about 40 s.
    /// </summary>
    static async Task<Gathering> GatherRelayAsync(IPage page, string url, string username, string secret)
    {
        var result = await page.EvaluateAsync<JsonElement>("""
            async ({ url, username, credential }) => {
                const pc = new RTCPeerConnection({ iceServers: [{ urls: [url], username, credential }], iceTransportPolicy: "relay" });
                const errors = [];
                let relays = 0;
                let decided;
                const outcome = new Promise((resolve) => { decided = resolve; });
                pc.addEventListener("icecandidateerror", (e) => { errors.push(e.errorCode); if (e.errorCode === 401) decided(); });
                pc.addEventListener("icecandidate", (e) => { if (e.candidate && e.candidate.type === "relay") { relays++; decided(); } });
                pc.addEventListener("icegatheringstatechange", () => { if (pc.iceGatheringState === "complete") decided(); });
                pc.createDataChannel("probe");
                await pc.setLocalDescription(await pc.createOffer());
                await outcome;
                pc.close();
                return { relays, errors };
            }
            """, new { url, username, credential = Credential(secret, username) });
        return new Gathering(result.GetProperty("relays").GetInt32(),
            result.GetProperty("errors").EnumerateArray().Select(e => e.GetInt32()).ToList());
    }

    /// <summary>
    /// ada and bob join, both switch their camera on, each plays the other's video; returns the
    /// selected candidate pairs of both pages, each of which carried media.
    /// </summary>
    async Task<IReadOnlyList<SelectedPair>> ExchangeVideoAsync(TesseraProcess server, bool relayOnly)
    {
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        return await ExchangeVideoAsync(server, pages, relayOnly);
    }

    async Task<IReadOnlyList<SelectedPair>> ExchangeVideoAsync(TesseraProcess server, TwoPages pages, bool relayOnly,
                                                               string? keepTurnUrls = null, bool tls = false)
    {
        try
        {
            return await ExchangeVideoAsync(pages, relayOnly, keepTurnUrls, tls);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nServer output:\n{server.Output}");
        }
    }

    async Task<IReadOnlyList<SelectedPair>> ExchangeVideoAsync(TwoPages pages, bool relayOnly, string? keepTurnUrls, bool tls)
    {
        foreach (var page in new[] { pages.Ada, pages.Bob })
        {
            if (relayOnly) await PeerConnections.ForceRelayAsync(page, keepTurnUrls);
            await PeerConnections.RecordAsync(page);
        }
        await pages.JoinAsync(NetworkPathFixture.GroupUrl("path", tls));
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
