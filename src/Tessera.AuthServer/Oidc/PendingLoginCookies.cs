using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tessera.AuthServer.Oidc;

/// <summary>
/// Binds a sign-in to the browser that started it. The <see cref="PendingLogin"/> travels in an
/// HttpOnly cookie, encrypted and authenticated with AES-GCM under a key that never leaves the
/// process, and named after the login's <c>state</c>, so several tabs can sign in at once. A
/// callback whose <c>state</c> has no such cookie — another browser, a forged link, a replay after
/// the cookie was spent — finds nothing. Each state is also accepted once only, even if its cookie
/// were copied. A restart forgets the key: sign-ins in progress must start again.
/// </summary>
public sealed class PendingLoginCookies(bool secureCookie, TimeProvider time)
{
    /// <summary>Beyond this many states remembered as spent, new callbacks are refused until old ones expire (memory stays bounded).</summary>
    public const int MaxSpentStates = 100_000;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _spent = new(StringComparer.Ordinal);
    private long _serial;

    /// <summary>Sign-ins one browser may have in progress; starting more forgets the oldest, so cookies cannot pile up.</summary>
    public const int MaxPerBrowser = 4;

    public void Write(HttpContext context, PendingLogin login)
    {
        ForgetStale(context);
        var name = CookieName(login.State);
        var plain = JsonSerializer.SerializeToUtf8Bytes(login with { Serial = Interlocked.Increment(ref _serial) });
        var sealedBytes = new byte[12 + plain.Length + 16];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_key, 16))
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(12, plain.Length), sealedBytes.AsSpan(12 + plain.Length), Encoding.ASCII.GetBytes(name));
        context.Response.Cookies.Append(name, Base64Url.EncodeToString(sealedBytes), Options(login.Expires - time.GetUtcNow()));
    }

    /// <summary>Deletes this browser's pending sign-ins that are expired or unreadable, and the oldest beyond <see cref="MaxPerBrowser"/> − 1.</summary>
    private void ForgetStale(HttpContext context)
    {
        var now = time.GetUtcNow();
        var live = new List<(string Name, long Serial)>();
        foreach (var (name, value) in context.Request.Cookies)
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            if (Open(name, value) is { } login && login.Expires > now) live.Add((name, login.Serial));
            else context.Response.Cookies.Delete(name, Options(TimeSpan.Zero));
        }
        foreach (var (name, _) in live.OrderByDescending(l => l.Serial).Skip(MaxPerBrowser - 1))
            context.Response.Cookies.Delete(name, Options(TimeSpan.Zero));
    }

    /// <summary>
    /// The login this browser started with <paramref name="state"/>, once: the cookie is deleted and
    /// the state spent. Null for no cookie, a cookie that does not decrypt, a state that does not
    /// match, an expired or an already spent login.
    /// </summary>
    public PendingLogin? Take(HttpContext context, string state)
    {
        var name = CookieName(state);
        var value = context.Request.Cookies[name];
        if (value is null) return null;
        context.Response.Cookies.Delete(name, Options(TimeSpan.Zero));
        var login = Open(name, value);
        if (login is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(login.State), Encoding.UTF8.GetBytes(state)))
            return null;
        var now = time.GetUtcNow();
        if (now >= login.Expires) return null;
        return Spend(login.State, login.Expires, now) ? login : null;
    }

    /// <summary>Decrypts a cookie's value; null when it was not sealed by this process under this name.</summary>
    private PendingLogin? Open(string name, string value)
    {
        try
        {
            var sealedBytes = Base64Url.DecodeFromChars(value);
            if (sealedBytes.Length < 12 + 16) return null;
            var plain = new byte[sealedBytes.Length - 12 - 16];
            using (var aes = new AesGcm(_key, 16))
                aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(12, plain.Length), sealedBytes.AsSpan(12 + plain.Length), plain,
                            Encoding.ASCII.GetBytes(name));
            return JsonSerializer.Deserialize<PendingLogin>(plain);
        }
        catch (Exception e) when (e is FormatException or CryptographicException or JsonException)
        {
            return null;
        }
    }

    private bool Spend(string state, DateTimeOffset expires, DateTimeOffset now)
    {
        if (_spent.Count >= MaxSpentStates)
            foreach (var (s, until) in _spent)
                if (until <= now) _spent.TryRemove(s, out _);
        return _spent.Count < MaxSpentStates && _spent.TryAdd(state, expires);
    }

    /// <summary>
    /// Derived from the state (not the state itself), with <c>__Host-</c> over HTTPS. SameSite=Lax:
    /// the provider sends the browser back with a top-level GET, which Lax cookies accompany.
    /// </summary>
    private string CookieName(string state) =>
        Prefix + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(state)))[..22];

    private string Prefix => (secureCookie ? "__Host-" : "") + "tessera-oidc-";

    private CookieOptions Options(TimeSpan maxAge) => new()
    {
        HttpOnly = true,
        Secure = secureCookie,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        IsEssential = true,
        MaxAge = maxAge > TimeSpan.Zero ? maxAge : null,
    };
}
