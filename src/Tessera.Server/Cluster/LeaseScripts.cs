namespace Tessera.Server.Cluster;

/// <summary>
/// The atomic steps of placement. Each runs as one Lua script, so that reading a lease and
/// changing it cannot interleave with another node's doing the same.
/// </summary>
public static class LeaseScripts
{
    /// <summary>
    /// KEYS: lease, load, fence. ARGV: lease ms, node prefix, now ms, place (1/0).
    /// Returns {node, fence, url, count, remaining ms} of the lease, placing the group first on the
    /// least-loaded live node that is not draining when nobody holds it (and place is 1); nil when
    /// nobody holds it and it was not placed. Dead nodes found in the load set are removed. The
    /// fence counter, if lost (a Redis restart without persistence), restarts from the clock so
    /// that it still only grows.
    /// </summary>
    public const string Place = """
        local node = redis.call('HGET', KEYS[1], 'node')
        if node then
          local l = redis.call('HMGET', KEYS[1], 'fence', 'url', 'count')
          return {node, l[1], l[2], l[3] or '0', redis.call('PTTL', KEYS[1])}
        end
        if ARGV[4] ~= '1' then return false end
        for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
          local info = redis.call('HMGET', ARGV[2] .. id, 'url', 'drain')
          if not info[1] then
            redis.call('ZREM', KEYS[2], id)
          elseif not info[2] then
            if redis.call('EXISTS', KEYS[3]) == 0 then redis.call('SET', KEYS[3], ARGV[3]) end
            local fence = redis.call('INCR', KEYS[3])
            redis.call('HSET', KEYS[1], 'node', id, 'fence', fence, 'url', info[1], 'count', 0)
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('ZINCRBY', KEYS[2], 1, id)
            return {id, tostring(fence), info[1], '0', tonumber(ARGV[1])}
          end
        end
        return false
        """;

    /// <summary>
    /// Renews all of a node's leases at once. KEYS: the leases. ARGV: node, lease ms, url, then
    /// for each key in order its fence and member count. Returns one answer per key: 1 renewed;
    /// 0 another node holds it (the caller stops serving the group); 2 the lease was gone while
    /// the caller still held it by its own clock (Redis lost its data), so it is taken back under
    /// the same fence. Each lease is checked against its own fence, as a renewal of one would be.
    /// </summary>
    public const string RenewAll = """
        local answers = {}
        for i, key in ipairs(KEYS) do
          local fence, count = ARGV[2 + 2 * i], ARGV[3 + 2 * i]
          local l = redis.call('HMGET', key, 'node', 'fence')
          if l[1] == ARGV[1] and l[2] == fence then
            redis.call('HSET', key, 'count', count)
            redis.call('PEXPIRE', key, ARGV[2])
            answers[i] = 1
          elseif l[1] then
            answers[i] = 0
          else
            redis.call('HSET', key, 'node', ARGV[1], 'fence', fence, 'url', ARGV[3], 'count', count)
            redis.call('PEXPIRE', key, ARGV[2])
            answers[i] = 2
          end
        end
        return answers
        """;

    /// <summary>KEYS: lease. ARGV: node, fence. Deletes the lease if it is still this one.</summary>
    public const string Release = """
        local l = redis.call('HMGET', KEYS[1], 'node', 'fence')
        if l[1] == ARGV[1] and l[2] == ARGV[2] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>
    /// KEYS: node, load. ARGV: id, url, ttl ms, score, clients, groups, mbps, cpu, node prefix. Publishes the
    /// node's figures (the drain mark, set by anyone, stays) and returns every live node's URL.
    /// </summary>
    public const string Heartbeat = """
        redis.call('HSET', KEYS[1], 'url', ARGV[2], 'clients', ARGV[5], 'groups', ARGV[6], 'mbps', ARGV[7], 'cpu', ARGV[8])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        local drain = redis.call('HGET', KEYS[1], 'drain')
        local score = tonumber(ARGV[4])
        if drain then score = score + 1000000 end
        redis.call('ZADD', KEYS[2], score, ARGV[1])
        local urls = {}
        for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
          local url = redis.call('HGET', ARGV[9] .. id, 'url')
          if url then table.insert(urls, url) end
        end
        return urls
        """;

    /// <summary>KEYS: node. Marks a live node as draining; 0 when no such node is live.</summary>
    public const string Drain = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], 'drain', '1')
        return 1
        """;
}
