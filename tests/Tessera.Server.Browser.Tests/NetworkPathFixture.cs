using Tessera.Server.Browser.Tests.Infrastructure;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// A private network (<see cref="PrivateNetwork"/>) with one browser inside the browser's
/// namespace, shared by the network path tests; each test starts the server it needs inside the
/// server's namespace, with the settings it is about, and the firewall as it says.
/// </summary>
public sealed class NetworkPathFixture : IAsyncLifetime
{
    public const int HttpPort = 8080;
    PrivateNetwork? network;
    BrowserHost? browser;

    public PrivateNetwork Network => network ?? throw new InvalidOperationException("not started");
    public BrowserHost Browser => browser ?? throw new InvalidOperationException("not started");

    public static string GroupUrl(string group, bool tls = false) =>
        $"{(tls ? "https" : "http")}://{PrivateNetwork.ServerAddress}:{HttpPort}/group/{group}/";

    /// <summary>A server inside the server's namespace, with default settings unless <paramref name="arguments"/> says otherwise.</summary>
    /// <param name="tls">HTTPS (and so TURN over TLS too) with the data files' certificate, rather than --insecure.</param>
    public Task<TesseraProcess> StartServerAsync(IReadOnlyList<string>? arguments = null, IReadOnlyDictionary<string, string>? dataFiles = null,
                                                 bool tls = false) =>
        TesseraProcess.StartAsync(new Dictionary<string, string> { ["path"] = GroupFiles.Ordinary },
            new TesseraProcess.ServerPlacement
            {
                Host = PrivateNetwork.ServerAddress,
                Arguments = arguments ?? [],
                Launcher = Network.InServer,
                DataFiles = dataFiles ?? new Dictionary<string, string>(),
                Tls = tls,
            }, HttpPort);

    public async Task InitializeAsync()
    {
        try
        {
            network = await PrivateNetwork.CreateAsync();
            browser = await BrowserHost.StartAsync(network.ChromiumLauncher, $"http://{PrivateNetwork.ServerAddress}:{HttpPort}");
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
        if (network is not null) await network.DisposeAsync();
        browser = null;
        network = null;
    }
}

[CollectionDefinition(Name)]
public sealed class NetworkPathCollection : ICollectionFixture<NetworkPathFixture>
{
    public const string Name = "network paths";
}
