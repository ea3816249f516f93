using System.Security.Cryptography;
using System.Text;

namespace Tessera.Auth.Passwords;

/// <summary>
/// Checks a supplied password against a stored one. Slow hashes (pbkdf2, bcrypt) run on the
/// thread pool behind a semaphore sized to the CPU count, so a burst of logins queues instead
/// of starving the request threads (files.md §6.2).
/// </summary>
public sealed class PasswordVerifier : IDisposable
{
    private readonly SemaphoreSlim _slowHashes;

    public PasswordVerifier(int maxConcurrentHashes = 0)
    {
        if (maxConcurrentHashes <= 0) maxConcurrentHashes = Environment.ProcessorCount;
        _slowHashes = new SemaphoreSlim(maxConcurrentHashes, maxConcurrentHashes);
    }

    /// <returns>true when the password matches.</returns>
    /// <exception cref="PasswordFormatException">The stored data cannot be used.</exception>
    public async ValueTask<bool> VerifyAsync(Password? stored, string supplied, CancellationToken cancellationToken = default)
    {
        stored ??= Password.None;
        switch (stored.Kind)
        {
            case PasswordKind.None: return false;
            case PasswordKind.Wildcard: return true;
            case PasswordKind.Plain:
                if (stored.Key is null) throw new PasswordFormatException("plain password without key");
                return PlainEquals(stored.Key, supplied);
            case PasswordKind.Pbkdf2:
            case PasswordKind.Bcrypt:
                Validate(stored);
                await _slowHashes.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return await Task.Run(() => VerifySlow(stored, supplied), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _slowHashes.Release();
                }
            default:
                throw new PasswordFormatException($"unknown password type '{stored.Type}'");
        }
    }

    /// <summary>Synchronous form for callers that are already off the request path (tools, tests).</summary>
    public static bool Verify(Password? stored, string supplied)
    {
        stored ??= Password.None;
        return stored.Kind switch
        {
            PasswordKind.None => false,
            PasswordKind.Wildcard => true,
            PasswordKind.Plain => stored.Key is null
                ? throw new PasswordFormatException("plain password without key")
                : PlainEquals(stored.Key, supplied),
            PasswordKind.Pbkdf2 or PasswordKind.Bcrypt => VerifySlow(Validate(stored), supplied),
            _ => throw new PasswordFormatException($"unknown password type '{stored.Type}'"),
        };
    }

    /// <summary>Time depends only on the supplied length: hash both sides to fixed size, then compare.</summary>
    private static bool PlainEquals(string storedKey, string supplied)
    {
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(storedKey), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(supplied), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    private static Password Validate(Password stored)
    {
        if (stored.Key is null) throw new PasswordFormatException($"{stored.Type} password without key");
        if (stored.Kind == PasswordKind.Pbkdf2)
        {
            if (stored.Hash != "sha-256") throw new PasswordFormatException($"unknown pbkdf2 hash '{stored.Hash}'");
            if (stored.Iterations <= 0) throw new PasswordFormatException("pbkdf2 password without iterations");
            if (!IsHex(stored.Key) || stored.Key.Length == 0) throw new PasswordFormatException("pbkdf2 key is not hex");
            if (stored.Salt is null || !IsHex(stored.Salt)) throw new PasswordFormatException("pbkdf2 salt is not hex");
        }
        return stored;
    }

    private static bool IsHex(string s) => s.Length % 2 == 0 && s.All(Uri.IsHexDigit);

    private static bool VerifySlow(Password stored, string supplied)
    {
        if (stored.Kind == PasswordKind.Pbkdf2)
        {
            var key = Convert.FromHexString(stored.Key!);
            var salt = Convert.FromHexString(stored.Salt!);
            var derived = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(supplied), salt, stored.Iterations,
                                                    HashAlgorithmName.SHA256, key.Length);
            return CryptographicOperations.FixedTimeEquals(derived, key);
        }
        try
        {
            // bcrypt only looks at the first 72 bytes; BCrypt.Net does the same truncation.
            return BCrypt.Net.BCrypt.Verify(supplied, stored.Key!);
        }
        catch (Exception e) when (e is BCrypt.Net.SaltParseException or ArgumentException or FormatException)
        {
            throw new PasswordFormatException("corrupt bcrypt hash");
        }
    }

    public void Dispose() => _slowHashes.Dispose();
}
