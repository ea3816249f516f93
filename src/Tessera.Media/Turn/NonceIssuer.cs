using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Media.Turn;

/// <summary>
/// Stateless nonces (RFC 8489 §9.2): the expiry time and a MAC over it and the client's address,
/// under a key that lives as long as the server. Checking one needs no table, so unauthenticated
/// requests cost the server no memory.
/// </summary>
internal sealed class NonceIssuer
{
    private const int MacLength = 12;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public NonceIssuer(TimeProvider time, TimeSpan lifetime)
    {
        _time = time;
        _lifetime = lifetime;
    }

    public string Issue(IPAddress client)
    {
        long expiry = (_time.GetUtcNow() + _lifetime).ToUnixTimeSeconds();
        Span<byte> mac = stackalloc byte[32];
        Mac(expiry, client, mac);
        return expiry.ToString("x16") + Convert.ToHexStringLower(mac[..MacLength]);
    }

    public NonceCheck Check(ReadOnlySpan<byte> nonce, IPAddress client)
    {
        if (nonce.Length != 16 + 2 * MacLength)
            return NonceCheck.Invalid;
        string text = Encoding.ASCII.GetString(nonce);
        Span<byte> given = stackalloc byte[8 + MacLength];
        if (Convert.FromHexString(text, given, out _, out int written) != System.Buffers.OperationStatus.Done || written != given.Length)
            return NonceCheck.Invalid;
        long expiry = BinaryPrimitives.ReadInt64BigEndian(given);
        Span<byte> mac = stackalloc byte[32];
        Mac(expiry, client, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..MacLength], given[8..]))
            return NonceCheck.Invalid;
        return _time.GetUtcNow().ToUnixTimeSeconds() <= expiry ? NonceCheck.Valid : NonceCheck.Stale;
    }

    private void Mac(long expiry, IPAddress client, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[8 + 16];
        BinaryPrimitives.WriteInt64BigEndian(input, expiry);
        client.TryWriteBytes(input[8..], out int length);
        HMACSHA256.HashData(_key, input[..(8 + length)], destination);
    }
}

internal enum NonceCheck
{
    Valid,
    Stale,
    Invalid,
}
