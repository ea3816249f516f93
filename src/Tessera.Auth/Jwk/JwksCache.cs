namespace Tessera.Auth.Jwk;

/// <summary>
/// Key sets fetched from JWKS URLs (<c>{"jku": "https://…"}</c> entries in <c>authKeys</c>). A set is
/// fetched on first use and again when <see cref="JwksCacheOptions.RefreshInterval"/> has passed,
/// or early when a token names a <c>kid</c> the set lacks — but such early fetches, like retries
/// after failures, happen at most once per <see cref="JwksCacheOptions.MinimumFetchSpacing"/> per
/// URL, so a flood of bogus tokens cannot hammer the key server. A failed fetch or a malformed
/// answer keeps the last good set. Concurrent callers share one fetch. No HTTP here: the caller
/// injects the fetch function.
/// </summary>
public sealed class JwksCache(Func<Uri, CancellationToken, Task<string>> fetch, TimeProvider time, JwksCacheOptions? options = null)
{
    private readonly JwksCacheOptions _options = options ?? new JwksCacheOptions();
    private readonly Dictionary<Uri, Entry> _entries = new();

    private sealed class Entry
    {
        public IReadOnlyList<JsonWebKey> Keys = [];
        public DateTimeOffset? FetchedAt;      // last successful fetch
        public DateTimeOffset? AttemptedAt;    // last fetch started, successful or not
        public Task? InFlight;
        public string? LastError;
    }

    /// <summary>The keys of the set at <paramref name="jku"/>, fetching or refreshing as the rules allow.</summary>
    /// <param name="keyId">The token's <c>kid</c> (null when absent); an unknown one may trigger an early refresh.</param>
    public async Task<IReadOnlyList<JsonWebKey>> GetKeysAsync(Uri jku, string? keyId, CancellationToken cancellationToken = default)
    {
        Task? wait;
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(jku, out entry!)) _entries[jku] = entry = new Entry();
            wait = entry.InFlight ?? (ShouldFetch(entry, keyId) ? entry.InFlight = StartFetch(jku, entry) : null);
        }
        if (wait is not null) await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_entries) return entry.Keys;
    }

    /// <summary>Why the last fetch of <paramref name="jku"/> failed (null after a success or before any fetch).</summary>
    public string? LastError(Uri jku)
    {
        lock (_entries) return _entries.TryGetValue(jku, out var e) ? e.LastError : null;
    }

    private bool ShouldFetch(Entry entry, string? keyId)
    {
        var now = time.GetUtcNow();
        var spacedOut = entry.AttemptedAt is not { } attempted || now - attempted >= _options.MinimumFetchSpacing;
        if (entry.FetchedAt is not { } fetched) return spacedOut;                  // never fetched: first use, or retry
        if (now - fetched >= _options.RefreshInterval) return spacedOut;          // scheduled refresh
        return keyId is not null && !entry.Keys.Any(k => k.KeyId == keyId) && spacedOut; // unknown kid
    }

    private async Task StartFetch(Uri jku, Entry entry)
    {
        entry.AttemptedAt = time.GetUtcNow();
        await Task.Yield(); // let the caller leave the lock before the fetch runs
        IReadOnlyList<JsonWebKey>? keys = null;
        string? error = null;
        try
        {
            using var timeout = new CancellationTokenSource(_options.FetchTimeout, time);
            var body = await fetch(jku, timeout.Token).ConfigureAwait(false);
            keys = JwksDocument.Parse(body);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = e is OperationCanceledException ? "fetch timed out" : e.Message;
        }
        lock (_entries)
        {
            if (keys is not null)
            {
                entry.Keys = keys;
                entry.FetchedAt = time.GetUtcNow();
                entry.LastError = null;
            }
            else entry.LastError = error;
            entry.InFlight = null;
        }
    }
}
