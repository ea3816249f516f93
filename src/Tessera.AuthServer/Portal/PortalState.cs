using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tessera.AuthServer.Portal;

/// <summary>
/// Login-CSRF protection for the portal form: the browser holds a random nonce in an HttpOnly
/// cookie, the form carries <c>state</c> = HMAC(server secret, nonce). A page on another site can
/// neither read the cookie nor forge the matching state, so it cannot log a victim into the
/// attacker's account. The secret lives in memory: a restart only invalidates open forms.
/// </summary>
public sealed class PortalState(bool secureCookie)
{
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    /// <summary><c>__Host-</c> pins the cookie to this origin, but browsers only accept it over HTTPS.</summary>
    public string CookieName { get; } = secureCookie ? "__Host-tessera-portal" : "tessera-portal";

    /// <summary>The state for this browser's form, setting the cookie first if it has none.</summary>
    public string Issue(HttpContext context)
    {
        var nonce = context.Request.Cookies[CookieName];
        if (nonce is null || nonce.Length != 43)
        {
            nonce = Base64Url(RandomNumberGenerator.GetBytes(32));
            context.Response.Cookies.Append(CookieName, nonce, new CookieOptions
            {
                HttpOnly = true,
                Secure = secureCookie,
                SameSite = SameSiteMode.Lax,
                Path = "/",
                IsEssential = true,
            });
        }
        return StateFor(nonce);
    }

    public bool Verify(HttpContext context, string? state)
    {
        var nonce = context.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(state)) return false;
        var expected = Encoding.ASCII.GetBytes(StateFor(nonce));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(state));
    }

    private string StateFor(string nonce) =>
        Base64Url(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes("tessera-portal-state\0" + nonce)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
