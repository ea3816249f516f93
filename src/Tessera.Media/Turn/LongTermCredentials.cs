using System.Security.Cryptography;
using System.Text;

namespace Tessera.Media.Turn;

/// <summary>
/// The one username and password the built-in server accepts, and the MESSAGE-INTEGRITY key they
/// give (RFC 8489 §9.2.2: MD5 over "username:realm:password"). Compared in constant time.
/// </summary>
public sealed class LongTermCredentials
{
    private readonly byte[] _username;

    public LongTermCredentials(string username, string password, string realm)
    {
        Username = username;
        Password = password;
        Realm = realm;
        _username = Encoding.UTF8.GetBytes(username);
        Key = MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}:{password}"));
    }

    public string Username { get; }

    /// <summary>Handed to browsers in <c>rtcConfiguration</c>; never logged.</summary>
    public string Password { get; }

    public string Realm { get; }

    /// <summary>The HMAC key of MESSAGE-INTEGRITY.</summary>
    internal byte[] Key { get; }

    /// <summary>A fresh random password (per server run, as the browser gets it with every join).</summary>
    public static LongTermCredentials Random(string username, string realm) =>
        new(username, Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)), realm);

    internal bool IsUsername(ReadOnlySpan<byte> username) => CryptographicOperations.FixedTimeEquals(username, _username);
}
