namespace Tessera.Auth.Tokens;

/// <summary>
/// Where stateful tokens live: <c>tokens.jsonl</c> for a single server (<see cref="TokenStore"/>),
/// a store shared by every node in a cluster. Operations are atomic, and <see cref="ETag"/> changes
/// with every write, so <c>If-Match</c> works across writers.
/// </summary>
public interface ITokenStore
{
    /// <summary>What went wrong at the last read (corrupt entries, an unreadable store); never quotes token strings.</summary>
    IReadOnlyList<string> LoadProblems { get; }

    /// <summary>Entity tag of the whole store; null when it holds nothing yet.</summary>
    string? ETag { get; }

    /// <summary>The token with exactly this string, or null.</summary>
    StatefulToken? Get(string token);

    /// <summary>
    /// <see cref="Get(string)"/> for the authentication path (joins, administrators' bearer
    /// tokens): a shared store asks over the network without holding a thread meanwhile; the file
    /// store answers at once.
    /// </summary>
    ValueTask<StatefulToken?> GetAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="Get(string)"/>, with the store's entity tag at the moment of reading.</summary>
    StatefulToken? Get(string token, out string? etag);

    /// <summary>Tokens whose <c>group</c> is exactly <paramref name="group"/>, sorted by expiry (none first).</summary>
    IReadOnlyList<StatefulToken> List(string group);

    /// <summary>Every token, sorted by expiry (none first).</summary>
    IReadOnlyList<StatefulToken> All();

    /// <exception cref="TokenExistsException">The string is already in use.</exception>
    /// <exception cref="IOException">The store cannot be written.</exception>
    StatefulToken Create(StatefulToken token);

    /// <exception cref="TokenNotFoundException">No token with that string.</exception>
    /// <exception cref="TokenTagMismatchException">The store changed since <paramref name="ifMatch"/>.</exception>
    StatefulToken Update(StatefulToken token, string? ifMatch = null);

    /// <exception cref="TokenNotFoundException">No token with that string.</exception>
    /// <exception cref="TokenTagMismatchException">The store changed since <paramref name="ifMatch"/>.</exception>
    void Delete(string token, string? ifMatch = null);

    /// <summary>Deletes tokens whose expiry lies more than <see cref="TokenStore.PurgeAfter"/> in the past; returns how many.</summary>
    int Expire();
}
