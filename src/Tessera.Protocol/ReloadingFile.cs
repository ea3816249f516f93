using Microsoft.Extensions.Logging;

namespace Tessera.Protocol;

/// <summary>What a <see cref="ReloadingFile{T}"/> knows at one moment.</summary>
/// <param name="Value">The current value, or the last good one when the file became unreadable; null if never read.</param>
/// <param name="Error">Why the file on disk cannot be used right now; null when it is fine.</param>
/// <param name="Exists">Whether the file exists.</param>
/// <param name="Tag">Entity tag <c>"size-mtimeNs"</c> of the file as read (files.md §2).</param>
public sealed record FileState<T>(T? Value, string? Error, bool Exists, string? Tag) where T : class;

/// <summary>
/// A JSON file re-read whenever its size or modification time changes. A bad edit keeps the last
/// good value and logs why once per change, so a typo never takes a working group down.
/// </summary>
public sealed class ReloadingFile<T> where T : class
{
    private readonly string _path;
    private readonly Func<byte[], T> _parse;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private (long Size, long MtimeNs)? _seen;
    private FileState<T> _state;
    private readonly FileInfo _info;

    public ReloadingFile(string path, Func<byte[], T> parse, ILogger logger)
    {
        _path = path;
        _parse = parse;
        _logger = logger;
        _state = new FileState<T>(null, null, false, null);
        _info = new FileInfo(path);
    }

    public string Path => _path;

    public FileState<T> Current()
    {
        lock (_gate)
        {
            // One FileInfo refreshed per call: the same one stat, without normalising the path
            // and allocating again (a join looks at config.json and its group file ten times).
            _info.Refresh();
            if (!_info.Exists)
            {
                // A removed file is a deliberate act: forget the value rather than keep serving it.
                if (_seen is null && _state is { Exists: false, Value: null, Error: null }) return _state;
                _seen = null;
                return _state = new FileState<T>(null, null, false, null);
            }
            var stamp = (_info.Length, MtimeNs(_info));
            if (_seen == stamp) return _state;
            _seen = stamp;
            var tag = $"\"{stamp.Length}-{stamp.Item2}\"";
            try
            {
                var value = _parse(File.ReadAllBytes(_path));
                _state = new FileState<T>(value, null, true, tag);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                var kept = _state.Value is null ? "" : "; keeping the last good version";
                _logger.LogError("{Path}: {Error}{Kept}", _path, e.Message, kept);
                _state = _state with { Error = e.Message, Exists = true };
            }
            return _state;
        }
    }

    public static long MtimeNs(FileInfo info) =>
        (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100;
}
