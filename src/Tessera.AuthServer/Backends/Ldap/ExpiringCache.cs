using System.Collections.Concurrent;

namespace Tessera.AuthServer.Backends.Ldap;

/// <summary>
/// A small time-limited memo for directory lookups that change rarely (a user's DN, their group
/// names). Never used for credentials: every login still binds with the password. Bounded: when
/// full it is simply emptied.
/// </summary>
internal sealed class ExpiringCache<T>(TimeSpan lifetime, TimeProvider time, int capacity = 100_000)
{
    private readonly ConcurrentDictionary<string, (T Value, long Expires)> _entries = new(StringComparer.OrdinalIgnoreCase);

    public bool Enabled => lifetime > TimeSpan.Zero;

    public bool TryGet(string key, out T value)
    {
        if (Enabled && _entries.TryGetValue(key, out var entry) && time.GetTimestamp() < entry.Expires)
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    public void Set(string key, T value)
    {
        if (!Enabled) return;
        if (_entries.Count >= capacity) _entries.Clear();
        _entries[key] = (value, time.GetTimestamp() + (long)(lifetime.TotalSeconds * time.TimestampFrequency));
    }

    public void Remove(string key) => _entries.TryRemove(key, out _);
}
