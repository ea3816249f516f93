namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// The real `tessera` server in its own process, on a free loopback port, with a temporary data
/// and groups directory. Disposing kills it and removes the directories.
/// </summary>
public sealed class TesseraProcess : IAsyncDisposable
{
    DotnetProcess process;
    readonly string root;
    readonly Func<Task<DotnetProcess>> launch;
    readonly string groupsDirectory;

    public string BaseUrl { get; }

    /// <summary>Where the server writes recordings (its default, ./recordings, in its working directory).</summary>
    public string Recordings => Path.Combine(root, "recordings");

    /// <summary>The server's data directory (config.json), for tests that change it while it runs.</summary>
    public string Data => Path.Combine(root, "data");

    /// <summary>The server's groups directory, for tests that change a group file while it runs.</summary>
    public string GroupsDirectory => groupsDirectory;

    TesseraProcess(DotnetProcess process, string root, string groupsDirectory, string baseUrl, Func<Task<DotnetProcess>> launch)
    {
        this.groupsDirectory = groupsDirectory;
        this.process = process;
        this.root = root;
        this.launch = launch;
        BaseUrl = baseUrl;
    }

    /// <summary>What the server printed so far (for failure messages).</summary>
    public string Output => process.Output;

    /// <summary>
    /// Writes the groups (name → JSON description), starts the server and waits until it answers.
    /// The port may be chosen beforehand when other services must know the server's URL.
    /// </summary>
    /// <param name="configJson">data/config.json, when the tests need one.</param>
    public static Task<TesseraProcess> StartAsync(IReadOnlyDictionary<string, string> groups, int? port = null, string? configJson = null) =>
        StartAsync(groups, new ServerPlacement(), port, configJson);

    /// <summary>
    /// As above, placed as <paramref name="placement"/> says: by default on loopback with media
    /// on 127.0.0.1 and no TURN server; or inside a private network namespace with default settings.
    /// </summary>
    public static async Task<TesseraProcess> StartAsync(IReadOnlyDictionary<string, string> groups, ServerPlacement placement,
                                                        int? port = null, string? configJson = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "tessera-browser-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(root, "data");
        var groupsDir = placement.GroupsDirectory ?? Path.Combine(root, "groups");
        try
        {
            Directory.CreateDirectory(data);
            Directory.CreateDirectory(groupsDir);
            if (configJson is not null) await File.WriteAllTextAsync(Path.Combine(data, "config.json"), configJson);
            foreach (var (name, content) in placement.DataFiles)
                await File.WriteAllTextAsync(Path.Combine(data, name), content);
            foreach (var (name, json) in groups)
            {
                var file = Path.Combine(groupsDir, name.Replace('/', Path.DirectorySeparatorChar) + ".json");
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllTextAsync(file, json);
            }
            var listen = port ?? FreePort.Find();
            var baseUrl = $"{(placement.Tls ? "https" : "http")}://{placement.Host}:{listen}";
            // The server serves the client copied next to its binary, exactly as shipped.
            Task<DotnetProcess> Launch() => DotnetProcess.StartAsync(BuildInfo.ServerAssembly,
                [.. placement.Tls ? Array.Empty<string>() : ["--insecure"], "--http", $"{placement.Host}:{listen}", "--data", data, "--groups", groupsDir, .. placement.Arguments],
                root, baseUrl + "/", placement.Launcher, placement.Launcher is null ? null : "Tessera listening on");
            return new TesseraProcess(await Launch(), root, groupsDir, baseUrl, Launch);
        }
        catch
        {
            DeleteQuietly(root);
            throw;
        }
    }

    /// <summary>What the tests then ask of it: how it is started, where, and what it is told.</summary>
    public sealed record ServerPlacement
    {
        public string Host { get; init; } = "127.0.0.1";

        /// <summary>
        /// Media on loopback only (Chromium takes it with --allow-loopback-in-peer-connection), and
        /// no TURN server: its default port is fixed, and a loopback relay is no use to a browser.
        /// </summary>
        public IReadOnlyList<string> Arguments { get; init; } = ["--ice-address", "127.0.0.1", "--turn", ""];

        /// <summary>A command that runs the server elsewhere (a network namespace); null: here.</summary>
        public IReadOnlyList<string>? Launcher { get; init; }

        /// <summary>
        /// HTTPS with the certificate in <see cref="DataFiles"/> (cert.pem, key.pem) or, without
        /// one, the self-signed one the server makes; false: plain HTTP (--insecure).
        /// </summary>
        public bool Tls { get; init; }

        /// <summary>A groups directory shared with other servers (a cluster's nodes), which outlives this one; null: its own.</summary>
        public string? GroupsDirectory { get; init; }

        /// <summary>Files written into the data directory (ice-servers.json), name → content.</summary>
        public IReadOnlyDictionary<string, string> DataFiles { get; init; } = new Dictionary<string, string>();
    }

    /// <summary>Stops the server as systemd would (SIGTERM) and returns its exit code.</summary>
    public Task<int> TerminateAsync() => process.TerminateAsync();

    /// <summary>Kills the server without warning (its clients see their connections drop); its files stay.</summary>
    public ValueTask KillAsync() => process.DisposeAsync();

    /// <summary>Starts the server again after <see cref="KillAsync"/>: same port, same groups and data.</summary>
    public async Task RestartAsync() => process = await launch();

    static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await process.DisposeAsync();
        DeleteQuietly(root);
    }
}
