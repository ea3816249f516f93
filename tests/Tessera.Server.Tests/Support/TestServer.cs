using System.Net.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Tessera.Server.Hosting;

namespace Tessera.Server.Tests.Support;

/// <summary>
/// A real Tessera host on 127.0.0.1 with a port chosen by the system, over its own temporary
/// data and groups directories, removed on dispose.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, string root, ServerOptions options)
    {
        _app = app;
        Root = root;
        Options = options;
        Url = TesseraHost.BoundAddress(app);
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Url };
    }

    public string Root { get; }
    public ServerOptions Options { get; }
    public Uri Url { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;
    public string GroupsDir => Options.Groups;
    public string DataDir => Options.Data;

    public Uri WebSocketUrl => new($"ws://{Url.Authority}/ws");

    public static async Task<TestServer> StartAsync(Action<TestServer.Files>? files = null,
                                                    Func<ServerOptions, ServerOptions>? configure = null,
                                                    TimeProvider? time = null,
                                                    List<string>? logSink = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "tessera-test-" + Guid.NewGuid().ToString("N"));
        var options = new ServerOptions
        {
            Http = "127.0.0.1:0",
            Data = Path.Combine(root, "data"),
            Groups = Path.Combine(root, "groups"),
            Recordings = Path.Combine(root, "recordings"),
            Insecure = true,
            Static = Path.Combine(root, "static"),
            IceAddresses = ["127.0.0.1"], // media on loopback only
            Turn = "", // TURN's default port is fixed: a test that wants the server asks for it on a port of its own
        };
        options = configure?.Invoke(options) ?? options;
        Directory.CreateDirectory(options.Data);
        Directory.CreateDirectory(options.Groups);
        Directory.CreateDirectory(options.StaticRoot);
        File.WriteAllText(Path.Combine(options.StaticRoot, "galene.html"), "<!doctype html><title>group page</title>");
        File.WriteAllText(Path.Combine(options.StaticRoot, "index.html"), "<!doctype html><title>landing</title>");
        File.WriteAllText(Path.Combine(options.StaticRoot, "404.html"), "<!doctype html><title>not found</title>");
        files?.Invoke(new Files(options));
        var app = TesseraHost.Build(options, logging =>
        {
            if (logSink is null)
            {
                logging.SetMinimumLevel(LogLevel.Warning);
                return;
            }
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(new ListLoggerProvider(logSink));
        }, time);
        await app.StartAsync();
        return new TestServer(app, root, options);
    }

    public void WriteGroup(string name, string json) => new Files(Options).Group(name, json);

    public void WriteConfig(string json) => new Files(Options).Config(json);

    public async Task<WsClient> ConnectAsync(string? id = null)
    {
        var client = await WsClient.ConnectAsync(WebSocketUrl);
        await client.HandshakeAsync(id);
        return client;
    }

    /// <summary>Connects and joins; fails the test unless the join succeeds.</summary>
    public async Task<WsClient> JoinAsync(string group, string username, string password, string? id = null)
    {
        var client = await ConnectAsync(id);
        var joined = await client.JoinAsync(group, username, password);
        Assert.Equal("join", joined.Kind);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    /// <summary>Writes files into the server's directories.</summary>
    public sealed class Files(ServerOptions options)
    {
        public void Group(string name, string json)
        {
            var path = Path.Combine(options.Groups, name + ".json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            WriteChanged(path, json);
        }

        public void Config(string json) => WriteChanged(Path.Combine(options.Data, "config.json"), json);

        /// <summary>Writes and makes sure the modification time moves, so a reload is seen even within one clock tick.</summary>
        private static void WriteChanged(string path, string json)
        {
            var before = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
            File.WriteAllText(path, json);
            if (File.GetLastWriteTimeUtc(path) <= before) File.SetLastWriteTimeUtc(path, before.AddMilliseconds(10));
        }
    }
}
