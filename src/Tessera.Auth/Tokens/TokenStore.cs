using System.Text;
using System.Text.Json;
using Tessera.Auth.Files;

namespace Tessera.Auth.Tokens;

/// <summary>
/// The stateful token store backed by <c>data/var/tokens.jsonl</c> (files.md §8). The file is
/// re-read whenever its size or modification time changes, so edits by other processes (tools,
/// another server) are picked up. Creation appends one line; updates and deletions rewrite the
/// file atomically. Thread-safe: one lock serialises access within the process.
/// </summary>
public sealed class TokenStore : ITokenStore
{
    /// <summary>Tokens expired longer ago than this are purged by <see cref="Expire"/>.</summary>
    public static readonly TimeSpan PurgeAfter = TimeSpan.FromDays(7);

    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly object _lock = new();
    private readonly string _path;
    private readonly TimeProvider _time;
    private TokenFileContent _content = TokenFileContent.Empty;
    private (long Size, DateTime WriteTime)? _loadedState;
    private string? _loadedTag;
    private string? _readError;

    public TokenStore(string path, TimeProvider time)
    {
        _path = Path.GetFullPath(path);
        _time = time;
    }

    public string FilePath => _path;

    /// <summary>
    /// What went wrong at the last load: corrupt objects (skipped) or an unreadable file (then
    /// every lookup fails, as in Galène). Empty when all is well. Never quotes token strings.
    /// </summary>
    public IReadOnlyList<string> LoadProblems
    {
        get
        {
            lock (_lock)
            {
                Refresh();
                return _readError is null ? _content.Problems : [_readError, .. _content.Problems];
            }
        }
    }

    /// <summary>
    /// Entity tag of the whole store, derived from its contents; null when the file does not exist.
    /// Galène uses size and modification time, but two rewrites within one tick of the file system's
    /// clock (a few milliseconds on ext4) can leave both equal, and a stale <c>If-Match</c> would then
    /// pass; clients treat the tag as opaque, so a content hash costs nothing in compatibility.
    /// </summary>
    public string? ETag
    {
        get
        {
            lock (_lock) return CurrentETag();
        }
    }

    /// <summary>The token with exactly this string, or null (also when the store is unreadable).</summary>
    public StatefulToken? Get(string token)
    {
        lock (_lock)
        {
            Refresh();
            return _readError is null && _content.ByToken.TryGetValue(token, out var t) ? t : null;
        }
    }

    /// <summary>Answered at once from memory (the file is re-read only when it changed).</summary>
    public ValueTask<StatefulToken?> GetAsync(string token, CancellationToken cancellationToken = default) => new(Get(token));

    /// <summary>Like <see cref="Get"/>, with the store's entity tag at the moment of reading.</summary>
    public StatefulToken? Get(string token, out string? etag)
    {
        lock (_lock)
        {
            Refresh();
            etag = CurrentETag();
            return _readError is null && _content.ByToken.TryGetValue(token, out var t) ? t : null;
        }
    }

    /// <summary>Tokens whose <c>group</c> is exactly <paramref name="group"/>, sorted by expiry (none first).</summary>
    public IReadOnlyList<StatefulToken> List(string group)
    {
        lock (_lock)
        {
            Refresh();
            return SortByExpiry(_content.Tokens.Where(t => t.Group == group));
        }
    }

    /// <summary>Every token, sorted by expiry (none first).</summary>
    public IReadOnlyList<StatefulToken> All()
    {
        lock (_lock)
        {
            Refresh();
            return SortByExpiry(_content.Tokens);
        }
    }

    /// <summary>Appends a new token; creates the folder (0700) and file (0600) if needed.</summary>
    /// <exception cref="TokenExistsException">The string is already in use.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public StatefulToken Create(StatefulToken token)
    {
        lock (_lock)
        {
            Refresh();
            if (_readError is not null) throw new IOException("token store unreadable: " + _readError);
            if (_content.ByToken.ContainsKey(token.Token)) throw new TokenExistsException();
            EnsureFolder();
            var line = StatefulTokenJson.ToJson(token) + "\n";
            if (!_content.EndsWithNewline && File.Exists(_path)) line = "\n" + line;
            using (var stream = new FileStream(_path, PrivateFileOptions(System.IO.FileMode.Append)))
            {
                stream.Write(Encoding.UTF8.GetBytes(line));
                stream.Flush(flushToDisk: true);
            }
            Invalidate();
            return token;
        }
    }

    /// <summary>Replaces an existing token (rewriting the file).</summary>
    /// <param name="ifMatch">If given, the store's current entity tag must equal it.</param>
    /// <exception cref="TokenNotFoundException">No token with that string.</exception>
    /// <exception cref="TokenTagMismatchException">The store changed since <paramref name="ifMatch"/>.</exception>
    public StatefulToken Update(StatefulToken token, string? ifMatch = null)
    {
        lock (_lock)
        {
            Refresh();
            CheckTag(ifMatch);
            if (_readError is not null || !_content.ByToken.ContainsKey(token.Token)) throw new TokenNotFoundException();
            Rewrite(_content.Tokens.Select(t => t.Token == token.Token ? token : t).ToList());
            return token;
        }
    }

    /// <summary>Removes a token; the file is removed with the last one.</summary>
    /// <exception cref="TokenNotFoundException">No token with that string.</exception>
    /// <exception cref="TokenTagMismatchException">The store changed since <paramref name="ifMatch"/>.</exception>
    public void Delete(string token, string? ifMatch = null)
    {
        lock (_lock)
        {
            Refresh();
            CheckTag(ifMatch);
            if (_readError is not null || !_content.ByToken.ContainsKey(token)) throw new TokenNotFoundException();
            Rewrite(_content.Tokens.Where(t => t.Token != token).ToList());
        }
    }

    /// <summary>Deletes tokens whose expiry lies more than 7 days in the past; returns how many.</summary>
    public int Expire()
    {
        lock (_lock)
        {
            Refresh();
            if (_readError is not null) return 0;
            var limit = _time.GetUtcNow() - PurgeAfter;
            var kept = _content.Tokens.Where(t => t.Expires is not { } e || e >= limit).ToList();
            var removed = _content.Tokens.Count - kept.Count;
            if (removed > 0) Rewrite(kept);
            return removed;
        }
    }

    /// <summary>The order every token store lists in: by expiry, tokens without one first.</summary>
    public static List<StatefulToken> SortByExpiry(IEnumerable<StatefulToken> tokens) =>
        tokens.OrderBy(t => t.Expires.HasValue).ThenBy(t => t.Expires).ToList();

    private void CheckTag(string? ifMatch)
    {
        if (ifMatch is not null && ifMatch != CurrentETag()) throw new TokenTagMismatchException();
    }

    private string? CurrentETag()
    {
        Refresh();
        return _readError is null && _loadedState is not null ? _loadedTag : null;
    }

    /// <summary>A strong tag over the bytes: size and the first 128 bits of their SHA-256.</summary>
    public static string ContentTag(ReadOnlySpan<byte> data) =>
        $"\"{data.Length}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)[..16])}\"";

    /// <summary>Reloads when the file's size or modification time differs from what was loaded.</summary>
    private void Refresh()
    {
        var info = new FileInfo(_path);
        if (!info.Exists && Directory.Exists(_path))
        {
            _content = TokenFileContent.Empty;
            _readError = "cannot read the token file: it is a directory";
            _loadedState = null;
            return;
        }
        if (!info.Exists)
        {
            _content = TokenFileContent.Empty;
            _loadedState = null;
            _readError = null;
            return;
        }
        var state = (info.Length, info.LastWriteTimeUtc);
        if (_loadedState == state && _readError is null) return;
        try
        {
            var data = File.ReadAllBytes(_path);
            _content = TokenFileContent.Parse(data);
            _loadedTag = ContentTag(data);
            _readError = null;
            _loadedState = state;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _content = TokenFileContent.Empty;
            _readError = "cannot read the token file: " + e.Message;
            _loadedState = null;
        }
    }

    private void Invalidate() => _loadedState = null;

    /// <summary>Write access; a file created by it gets mode 0600.</summary>
    private static FileStreamOptions PrivateFileOptions(System.IO.FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode600;
        return options;
    }

    private void EnsureFolder()
    {
        var folder = Path.GetDirectoryName(_path)!;
        if (Directory.Exists(folder)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, FolderMode);
    }

    /// <summary>
    /// Writes the tokens sorted by expiry (none first), followed by any unreadable text kept from
    /// the old file, replacing the file atomically; with nothing left to keep, the file is removed.
    /// </summary>
    private void Rewrite(List<StatefulToken> tokens)
    {
        var unreadable = _content.UnreadableText;
        if (tokens.Count == 0 && unreadable.Count == 0)
        {
            File.Delete(_path);
            Invalidate();
            return;
        }
        EnsureFolder();
        try
        {
            AtomicFile.Write(_path, stream =>
            {
                using (var writer = new Utf8JsonWriter(stream))
                {
                    foreach (var token in SortByExpiry(tokens))
                    {
                        StatefulTokenJson.Write(writer, token);
                        writer.Flush();
                        stream.WriteByte((byte)'\n');
                        writer.Reset(stream);
                    }
                }
                foreach (var text in unreadable) stream.Write(Encoding.UTF8.GetBytes(text + "\n"));
            }, FileMode600);
        }
        finally
        {
            Invalidate();
        }
    }
}
