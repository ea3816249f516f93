using Microsoft.Extensions.Logging;

namespace Tessera.Protocol.Config;

/// <summary>
/// The live <c>config.json</c>, checked on every use. An absent file is <see cref="ServerConfig.Empty"/>;
/// a broken edit keeps the last good version; a file broken since start-up is reported as an error.
/// </summary>
public sealed class ServerConfigSource
{
    private readonly ReloadingFile<ServerConfig> _file;

    public ServerConfigSource(string dataDirectory, ILogger logger)
    {
        DataDirectory = dataDirectory;
        _file = new ReloadingFile<ServerConfig>(System.IO.Path.Combine(dataDirectory, "config.json"),
                                                 bytes => ServerConfig.Parse(bytes), logger);
    }

    public string DataDirectory { get; }

    /// <summary>The config in force, or null when the file is unreadable and no good version was ever read.</summary>
    public ServerConfig? TryGet(out string? error)
    {
        var state = _file.Current();
        error = state.Error;
        if (!state.Exists) return ServerConfig.Empty;
        return state.Value;
    }

    /// <exception cref="InvalidDataException">The file is unreadable and there is no good version to fall back on.</exception>
    public ServerConfig Get() =>
        TryGet(out var error) ?? throw new InvalidDataException($"config.json: {error}");
}
