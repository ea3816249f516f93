using System.Net;
using System.Net.Sockets;

namespace Tessera.Auth.Throttling;

/// <summary>
/// Slows down password guessing. Failures are counted per (user, address) pair, per address and
/// per user; once a counter has used its free failures each further failure blocks that key for
/// an exponentially growing delay. Keying the tight limit on the pair means an attacker's
/// failures do not lock the real user out from their own address; the per-user counter is a
/// generous ceiling against distributed guessing, and addresses where the user recently logged
/// in successfully are exempt from it. IPv6 addresses are counted per /64, since one host
/// usually owns a whole prefix. Thread-safe; time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class LoginThrottle
{
    private readonly LoginThrottleOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FailureCounter> _pairs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FailureCounter> _addresses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FailureCounter> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _trustedPairs = new(StringComparer.Ordinal);

    public LoginThrottle(LoginThrottleOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new LoginThrottleOptions();
        _time = time ?? TimeProvider.System;
    }

    public LoginThrottleOptions Options => _options;

    /// <summary>
    /// Whether an attempt for <paramref name="username"/> (null when not known yet) from
    /// <paramref name="address"/> may be checked now. A refused attempt must not be checked at all.
    /// </summary>
    public ThrottleDecision Check(string? username, IPAddress address)
    {
        var now = _time.GetUtcNow();
        var addressKey = AddressKey(address);
        var wait = TimeSpan.Zero;
        lock (_lock)
        {
            wait = Max(wait, Remaining(_addresses, addressKey, now));
            if (username is not null)
            {
                var userKey = UserKey(username);
                var pairKey = userKey + "\0" + addressKey;
                wait = Max(wait, Remaining(_pairs, pairKey, now));
                if (!IsTrusted(pairKey, now))
                    wait = Max(wait, Remaining(_users, userKey, now));
            }
        }
        return wait > TimeSpan.Zero ? ThrottleDecision.Wait(wait) : ThrottleDecision.Allow;
    }

    /// <summary>Counts a refused login (wrong password or unknown user).</summary>
    public void RecordFailure(string? username, IPAddress address)
    {
        var now = _time.GetUtcNow();
        var o = _options;
        var addressKey = AddressKey(address);
        lock (_lock)
        {
            Counter(_addresses, addressKey, now).Add(now, o.AddressFreeFailures, o.BaseDelay, o.MaxDelay, o.ForgetAfter);
            if (username is null) return;
            var userKey = UserKey(username);
            Counter(_pairs, userKey + "\0" + addressKey, now).Add(now, o.PairFreeFailures, o.BaseDelay, o.MaxDelay, o.ForgetAfter);
            Counter(_users, userKey, now).Add(now, o.UserFreeFailures, o.BaseDelay, o.MaxUserDelay, o.ForgetAfter);
        }
    }

    /// <summary>
    /// A correct password: forgets the pair's failures and trusts the pair against the per-user
    /// ceiling for a while. The address and user counters are kept, so interleaving one's own
    /// good logins with guesses does not reset them.
    /// </summary>
    public void RecordSuccess(string username, IPAddress address)
    {
        var now = _time.GetUtcNow();
        var pairKey = UserKey(username) + "\0" + AddressKey(address);
        lock (_lock)
        {
            _pairs.Remove(pairKey);
            if (_trustedPairs.Count >= _options.MaxEntries) Prune(_trustedPairs, now);
            _trustedPairs[pairKey] = now + _options.TrustSuccessfulAddressFor;
        }
    }

    private bool IsTrusted(string pairKey, DateTimeOffset now) =>
        _trustedPairs.TryGetValue(pairKey, out var until) && now < until;

    private TimeSpan Remaining(Dictionary<string, FailureCounter> counters, string key, DateTimeOffset now) =>
        counters.TryGetValue(key, out var c) && c.BlockedUntil > now ? c.BlockedUntil - now : TimeSpan.Zero;

    private FailureCounter Counter(Dictionary<string, FailureCounter> counters, string key, DateTimeOffset now)
    {
        if (counters.TryGetValue(key, out var counter)) return counter;
        if (counters.Count >= _options.MaxEntries) Prune(counters, now);
        counter = new FailureCounter();
        counters[key] = counter;
        return counter;
    }

    /// <summary>Drops forgotten counters; if that is not enough, the older half.</summary>
    private void Prune(Dictionary<string, FailureCounter> counters, DateTimeOffset now)
    {
        foreach (var (key, c) in counters)
            if (c.IsStale(now, _options.ForgetAfter)) counters.Remove(key);
        if (counters.Count < _options.MaxEntries) return;
        foreach (var (key, _) in counters.OrderBy(kv => kv.Value.LastFailure).Take(counters.Count / 2 + 1).ToList())
            counters.Remove(key);
    }

    private void Prune(Dictionary<string, DateTimeOffset> trusted, DateTimeOffset now)
    {
        foreach (var (key, until) in trusted)
            if (until <= now) trusted.Remove(key);
        if (trusted.Count < _options.MaxEntries) return;
        foreach (var (key, _) in trusted.OrderBy(kv => kv.Value).Take(trusted.Count / 2 + 1).ToList())
            trusted.Remove(key);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Usernames compared case-insensitively, so LDAP's case folding cannot multiply the budget.</summary>
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
