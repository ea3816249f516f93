using System.Security.Cryptography;
using System.Text;

namespace Tessera.Auth.Passwords;

/// <summary>
/// New password hashes in Galène's formats (files.md §6.3), shared by the admin API and
/// <c>tessera-ctl</c>, so both produce what the verifier and Galène itself accept.
/// </summary>
public static class PasswordHashing
{
    /// <summary>bcrypt looks at the first 72 bytes only; a longer password is refused rather than silently cut.</summary>
    public const int BcryptMaxBytes = 72;

    /// <exception cref="ArgumentException">Over 72 bytes, or a cost outside 4–31.</exception>
    public static Password Bcrypt(string password, int cost)
    {
        if (Encoding.UTF8.GetByteCount(password) > BcryptMaxBytes)
            throw new ArgumentException("bcrypt only uses the first 72 bytes of a password; this one is longer");
        if (cost is < 4 or > 31) throw new ArgumentException("bcrypt cost must be between 4 and 31");
        return Password.FromType("bcrypt") with
        {
            Key = BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(cost, 'a')),
        };
    }

    /// <summary>PBKDF2-HMAC-SHA-256 with a random salt.</summary>
    /// <exception cref="ArgumentException">Non-positive iterations, key or salt length.</exception>
    public static Password Pbkdf2(string password, int iterations, int keyLength = 32, int saltLength = 8)
    {
        if (iterations < 1 || keyLength < 1 || saltLength < 1)
            throw new ArgumentException("pbkdf2 iterations, key and salt lengths must be positive");
        var salt = RandomNumberGenerator.GetBytes(saltLength);
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, keyLength);
        return Password.FromType("pbkdf2") with
        {
            Hash = "sha-256",
            Key = Convert.ToHexStringLower(key),
            Salt = Convert.ToHexStringLower(salt),
            Iterations = iterations,
        };
    }
}
