using Microsoft.Extensions.Logging;

namespace Tessera.AuthServer.Configuration;

/// <summary>
/// The configuration in force, re-read when its file changes (checked every few seconds), as the
/// conference server does with its own files: a good edit takes effect without a restart, a bad
/// one is logged and the last good configuration stays. Listening address, certificate and
/// <c>insecure</c> are bound when the server starts; a change to them is logged as needing a restart.
/// </summary>
public sealed class LiveConfiguration : IDisposable
{
    /// <summary>How long a replaced state lives on for requests that started with it.</summary>
    public static readonly TimeSpan RetireAfter = TimeSpan.FromSeconds(30);

    private readonly string _path;
    private readonly Func<AuthServerConfig, AuthServerState> _build;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer? _poll; // null when there is no file to watch
    private readonly object _gate = new();
    private (long Length, DateTime Written) _stamp;
    private AuthServerConfig _config;
    private AuthServerState _current;

    public LiveConfiguration(string path, AuthServerConfig initial, Func<AuthServerConfig, AuthServerState> build,
                             TimeProvider time, ILogger logger, TimeSpan? interval = null)
    {
        _path = path;
        _build = build;
        _time = time;
        _logger = logger;
        _stamp = path.Length > 0 ? Stamp() : default;
        _config = initial;
        _current = build(initial);
        if (path.Length == 0)
            return; // built from a configuration given in memory: nothing to watch
        var every = interval ?? TimeSpan.FromSeconds(2);
        _poll = time.CreateTimer(_ => CheckNow(), null, every, every);
    }

    public AuthServerState Current => Volatile.Read(ref _current);

    /// <summary>The configuration <see cref="Current"/> was built from.</summary>
    public AuthServerConfig Config => Volatile.Read(ref _config);

    /// <summary>Re-reads the file if it changed since the last look; called by the timer, public for tests.</summary>
    public void CheckNow()
    {
        if (_path.Length == 0)
            return;
        AuthServerState? retired = null;
        lock (_gate)
        {
            var stamp = Stamp();
            if (stamp == _stamp)
                return;
            _stamp = stamp;
            AuthServerConfig next;
            AuthServerState state;
            try
            {
                next = ConfigLoader.Load(_path);
                state = _build(next);
            }
            catch (ConfigException e)
            {
                _logger.LogError("{Error}; keeping the configuration in force", e.Message);
                return;
            }
            if (next.Listen != _config.Listen || next.Insecure != _config.Insecure || next.Cert != _config.Cert || next.Key != _config.Key)
                _logger.LogWarning("{Path}: listen, insecure, cert and key take effect at the next start; the rest applies now", _path);
            retired = _current;
            Volatile.Write(ref _config, next);
            Volatile.Write(ref _current, state);
            _logger.LogInformation("{Path}: configuration reloaded", _path);
        }
        // Requests already running may still use the old back ends: close them a little later.
        ITimer? retire = null;
        retire = _time.CreateTimer(_ =>
        {
            retired.Dispose();
            retire?.Dispose();
        }, null, RetireAfter, Timeout.InfiniteTimeSpan);
    }

    private (long, DateTime) Stamp()
    {
        var info = new FileInfo(_path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1, default);
    }

    public void Dispose()
    {
        _poll?.Dispose();
        lock (_gate)
            _current.Dispose();
    }
}
