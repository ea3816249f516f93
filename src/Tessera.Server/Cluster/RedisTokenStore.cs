using StackExchange.Redis;
using Tessera.Auth.Tokens;

namespace Tessera.Server.Cluster;

/// <summary>
/// The stateful tokens of a cluster: one Redis hash (token string → the same JSON object a line of
/// <c>tokens.jsonl</c> holds) and a version counter that every write increments in the same
/// script, which makes the entity tag. A token created through any node opens its group on all.
/// When Redis cannot be reached, lookups find nothing (a join with a token is refused, never
/// admitted) and writes fail with <see cref="IOException"/>, which the API reports.
/// </summary>
public sealed class RedisTokenStore(IDatabase db, TimeProvider time) : ITokenStore
{
    private static readonly RedisKey Tokens = ClusterKeys.Prefix + "tokens";
    private static readonly RedisKey Version = ClusterKeys.Prefix + "tokens:version";

    /// <summary>KEYS: tokens, version. ARGV: token. Returns {json or false, version, count}.</summary>
    private const string ReadScript = """
        return {redis.call('HGET', KEYS[1], ARGV[1]), redis.call('GET', KEYS[2]) or '0', redis.call('HLEN', KEYS[1])}
        """;

    /// <summary>
    /// KEYS: tokens, version. ARGV: mode (create, update, delete), token, json, expected version
    /// ('' for none; '-' when the client's tag names an empty store). Returns 1 done, 0 (create:
    /// exists; otherwise: not found), -1 the store changed since the expected version.
    /// </summary>
    private const string WriteScript = """
        if ARGV[4] ~= '' then
          local current = '-'
          if redis.call('HLEN', KEYS[1]) > 0 then current = redis.call('GET', KEYS[2]) or '0' end
          if current ~= ARGV[4] then return -1 end
        end
        local exists = redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1
        if ARGV[1] == 'create' then
          if exists then return 0 end
          redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
        elseif not exists then
          return 0
        elseif ARGV[1] == 'update' then
          redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
        else
          redis.call('HDEL', KEYS[1], ARGV[2])
        end
        redis.call('INCR', KEYS[2])
        return 1
        """;

    public IReadOnlyList<string> LoadProblems
    {
        get
        {
            try
            {
                var problems = db.HashGetAll(Tokens).Count(e => TryParse(e.Value) is null);
                return problems == 0 ? [] : [$"{problems} token entries in Redis are not valid token objects"];
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return ["cannot read the tokens in Redis: " + e.Message.Split('\n')[0]];
            }
        }
    }

    public string? ETag
    {
        get
        {
            Get("", out var etag);
            return etag;
        }
    }

    public StatefulToken? Get(string token) => Get(token, out _);

    public async ValueTask<StatefulToken?> GetAsync(string token, CancellationToken cancellationToken = default)
    {
        RedisValue json;
        try
        {
            json = await db.HashGetAsync(Tokens, token).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null; // unknown is refused
        }
        return json.IsNull ? null : TryParse(json);
    }

    public StatefulToken? Get(string token, out string? etag)
    {
        etag = null;
        RedisResult[] read;
        try
        {
            read = (RedisResult[])db.ScriptEvaluate(ReadScript, [Tokens, Version], [token])!;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null; // unknown is refused
        }
        if ((long)read[2] > 0) etag = Tag((string)read[1]!);
        return read[0].IsNull ? null : TryParse((RedisValue)read[0]);
    }

    public IReadOnlyList<StatefulToken> List(string group) => [.. All().Where(t => t.Group == group)];

    public IReadOnlyList<StatefulToken> All()
    {
        try
        {
            return TokenStore.SortByExpiry(db.HashGetAll(Tokens).Select(e => TryParse(e.Value)).OfType<StatefulToken>());
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new IOException("cannot read the tokens in Redis: " + e.Message.Split('\n')[0], e);
        }
    }

    public StatefulToken Create(StatefulToken token)
    {
        if (Write("create", token.Token, StatefulTokenJson.ToJson(token), null) == 0) throw new TokenExistsException();
        return token;
    }

    public StatefulToken Update(StatefulToken token, string? ifMatch = null)
    {
        if (Write("update", token.Token, StatefulTokenJson.ToJson(token), ifMatch) == 0) throw new TokenNotFoundException();
        return token;
    }

    public void Delete(string token, string? ifMatch = null)
    {
        if (Write("delete", token, "", ifMatch) == 0) throw new TokenNotFoundException();
    }

    public int Expire()
    {
        var limit = time.GetUtcNow() - TokenStore.PurgeAfter;
        var purged = 0;
        foreach (var token in All().Where(t => t.Expires is { } e && e < limit))
            if (Write("delete", token.Token, "", null) == 1) purged++;
        return purged;
    }

    private long Write(string mode, string token, string json, string? ifMatch)
    {
        long answer;
        try
        {
            answer = (long)db.ScriptEvaluate(WriteScript, [Tokens, Version], [mode, token, json, ifMatch is null ? "" : VersionOf(ifMatch)]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new IOException("cannot write the token to Redis: " + e.Message.Split('\n')[0], e);
        }
        if (answer == -1) throw new TokenTagMismatchException();
        return answer;
    }

    private static string Tag(string version) => $"\"tokens-{version}\"";

    /// <summary>The version a tag names; a tag of no version of ours matches nothing.</summary>
    private static string VersionOf(string tag) =>
        tag.StartsWith("\"tokens-", StringComparison.Ordinal) && tag.EndsWith('"') && tag.Length > 9 ? tag[8..^1] : "none";

    private static StatefulToken? TryParse(RedisValue json)
    {
        try
        {
            return StatefulTokenJson.Parse(json!);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }
}
