using System.Net;
using System.Net.Sockets;

namespace Tessera.Auth.Throttling;

/// <summary>
/// Slows down guessing without ever refusing a valid credential because of someone else's
/// failures. Two separate mechanisms:
/// <list type="bullet">
/// <item><b>Attempts per address</b> (<see cref="BeginAttempt"/>): every login attempt takes a token
/// from its address's bucket and a successful one gives it back, so only failures drain it.
/// The bucket is large enough for a classroom behind one NAT and refills steadily; an empty
/// bucket bounds floods of anything (invalid tokens, username spraying) before any work is done.</item>
/// <item><b>Password failures</b> (<see cref="Check"/>, <see cref="RecordFailure"/>): passwords are the
/// only guessable credential, so only they are counted, per (user, address) pair and per user.
/// Keying the tight limit on the pair means an attacker's failures lock neither the real user out
/// from their own address nor anyone else out of theirs; the per-user counter is a generous
/// ceiling against distributed guessing, and addresses where the user recently logged in are
/// exempt from it. Cryptographic and invitation tokens cannot be brute-forced and are never
/// counted here.</item>
/// </list>
/// IPv6 addresses are counted per /64, since one host usually owns a whole prefix. Thread-safe;
/// time comes from the injected <see cref="TimeProvider"/>; options are read on every call, so a
/// reloaded configuration applies at once.
/// </summary>
public sealed class LoginThrottle
{
    private readonly Func<LoginThrottleOptions> _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FailureCounter> _pairs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FailureCounter> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _trustedPairs = new(StringComparer.Ordinal);

    public LoginThrottle(LoginThrottleOptions? options = null, TimeProvider? time = null)
        : this(() => options ?? LoginThrottleOptions.Default, time)
    {
    }

    private readonly Action<SharedFailure>? _share;

    /// <param name="share">Told of every password failure counted here, so that the other nodes of a cluster count it too.</param>
    public LoginThrottle(Func<LoginThrottleOptions> options, TimeProvider? time = null, Action<SharedFailure>? share = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _share = share;
    }

    public LoginThrottleOptions Options => _options();

    /// <summary>
    /// Takes one attempt from <paramref name="address"/>'s bucket, or says how long to wait when
    /// it is empty. Call before any costly check; give the attempt back with
    /// <see cref="RefundAttempt"/> when the login succeeds.
    /// </summary>
    public ThrottleDecision BeginAttempt(IPAddress address)
    {
        var o = _options();
        var now = _time.GetUtcNow();
        var key = AddressKey(address);
        lock (_lock)
        {
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                if (_buckets.Count >= o.MaxEntries) PruneBuckets(now, o);
                bucket = new TokenBucket(o.AttemptBurst, now);
                _buckets[key] = bucket;
            }
            var wait = bucket.TryTake(now, o.AttemptBurst, o.AttemptsPerSecond);
            return wait > TimeSpan.Zero ? ThrottleDecision.Wait(wait) : ThrottleDecision.Allow;
        }
    }

    /// <summary>A successful login: its attempt goes back, so legitimate logins never drain the bucket.</summary>
    public void RefundAttempt(IPAddress address) => Refund(address, _options());

    private void Refund(IPAddress address, LoginThrottleOptions o)
    {
        lock (_lock)
            if (_buckets.TryGetValue(AddressKey(address), out var bucket)) bucket.Refund(o.AttemptBurst);
    }

    /// <summary>
    /// A successful login: its attempt goes back, and for a password (<paramref name="passwordKey"/>,
    /// null for other credentials) the pair's failures are forgotten and the pair is trusted against
    /// the per-user ceiling for a while. The options are read once (they come from config.json,
    /// which is looked at on every read).
    /// </summary>
    public void Succeeded(IPAddress address, string? passwordKey)
    {
        var o = _options();
        Refund(address, o);
        if (passwordKey is not null) Trust(passwordKey, address, o);
    }

    /// <summary>
    /// Whether a password for <paramref name="username"/> from <paramref name="address"/> may be
    /// checked now. A refused attempt must not be checked at all.
    /// </summary>
    public ThrottleDecision Check(string username, IPAddress address)
    {
        var now = _time.GetUtcNow();
        var userKey = UserKey(username);
        var pairKey = userKey + "\0" + AddressKey(address);
        var wait = TimeSpan.Zero;
        lock (_lock)
        {
            wait = Max(wait, Remaining(_pairs, pairKey, now));
            if (!IsTrusted(pairKey, now))
                wait = Max(wait, Remaining(_users, userKey, now));
        }
        return wait > TimeSpan.Zero ? ThrottleDecision.Wait(wait) : ThrottleDecision.Allow;
    }

    /// <summary>Counts a refused password (wrong password or unknown user).</summary>
    public void RecordFailure(string username, IPAddress address)
    {
        var failure = new SharedFailure(UserKey(username), AddressKey(address));
        Count(failure);
        _share?.Invoke(failure);
    }

    /// <summary>A password failure another node of the cluster counted: it counts here as if it had happened here.</summary>
    public void CountShared(SharedFailure failure) => Count(failure);

    private void Count(SharedFailure failure)
    {
        var o = _options();
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            Counter(_pairs, failure.UserKey + "\0" + failure.AddressKey, now, o).Add(now, o.PairFreeFailures, o.BaseDelay, o.MaxDelay, o.ForgetAfter);
            Counter(_users, failure.UserKey, now, o).Add(now, o.UserFreeFailures, o.BaseDelay, o.MaxUserDelay, o.ForgetAfter);
        }
    }

    /// <summary>
    /// A correct password: forgets the pair's failures and trusts the pair against the per-user
    /// ceiling for a while. The user counter is kept, so interleaving one's own good logins with
    /// guesses does not reset it.
    /// </summary>
    private void Trust(string username, IPAddress address, LoginThrottleOptions o)
    {
        var now = _time.GetUtcNow();
        var pairKey = UserKey(username) + "\0" + AddressKey(address);
        lock (_lock)
        {
            _pairs.Remove(pairKey);
            if (_trustedPairs.Count >= o.MaxEntries) Prune(_trustedPairs, now);
            _trustedPairs[pairKey] = now + o.TrustSuccessfulAddressFor;
        }
    }

    private bool IsTrusted(string pairKey, DateTimeOffset now) =>
        _trustedPairs.TryGetValue(pairKey, out var until) && now < until;

    private static TimeSpan Remaining(Dictionary<string, FailureCounter> counters, string key, DateTimeOffset now) =>
        counters.TryGetValue(key, out var c) && c.BlockedUntil > now ? c.BlockedUntil - now : TimeSpan.Zero;

    private static FailureCounter Counter(Dictionary<string, FailureCounter> counters, string key, DateTimeOffset now, LoginThrottleOptions o)
    {
        if (counters.TryGetValue(key, out var counter)) return counter;
        if (counters.Count >= o.MaxEntries) Prune(counters, now, o);
        counter = new FailureCounter();
        counters[key] = counter;
        return counter;
    }

    /// <summary>Drops forgotten counters; if that is not enough, the older half.</summary>
    private static void Prune(Dictionary<string, FailureCounter> counters, DateTimeOffset now, LoginThrottleOptions o)
    {
        foreach (var (key, c) in counters)
            if (c.IsStale(now, o.ForgetAfter)) counters.Remove(key);
        if (counters.Count < o.MaxEntries) return;
        foreach (var (key, _) in counters.OrderBy(kv => kv.Value.LastFailure).Take(counters.Count / 2 + 1).ToList())
            counters.Remove(key);
    }

    private static void Prune(Dictionary<string, DateTimeOffset> trusted, DateTimeOffset now)
    {
        foreach (var (key, until) in trusted)
            if (until <= now) trusted.Remove(key);
    }

    /// <summary>Drops full buckets (they hold nothing a fresh one would not); if that is not enough, the oldest half.</summary>
    private void PruneBuckets(DateTimeOffset now, LoginThrottleOptions o)
    {
        foreach (var (key, b) in _buckets)
            if (b.IsFull(now, o.AttemptBurst, o.AttemptsPerSecond)) _buckets.Remove(key);
        if (_buckets.Count < o.MaxEntries) return;
        foreach (var (key, _) in _buckets.OrderBy(kv => kv.Value.Updated).Take(_buckets.Count / 2 + 1).ToList())
            _buckets.Remove(key);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Usernames compared case-insensitively, so a back end's case folding cannot multiply the budget.</summary>
    private static string UserKey(string username) => username.ToLowerInvariant();

    internal static string AddressKey(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
