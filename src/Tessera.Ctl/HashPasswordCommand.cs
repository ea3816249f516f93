using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tessera.Auth.Passwords;

namespace Tessera.Ctl;

/// <summary>
/// <c>hash-password [--type bcrypt|pbkdf2] [--cost N] [--iterations N]</c>: reads a password (one
/// line on stdin, or a hidden prompt on a terminal) and prints the JSON password object for a
/// group or users file. Defaults follow files.md §6.3: bcrypt cost 8; pbkdf2 with sha-256, 4096
/// iterations, 32-byte key and 8-byte random salt. The password is never taken from the command
/// line, where other users could see it.
/// </summary>
internal static class HashPasswordCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Func<string?> readSecret)
    {
        var type = new Option<string>("--type") { Description = "bcrypt or pbkdf2", DefaultValueFactory = _ => "bcrypt" };
        type.AcceptOnlyFromAmong("bcrypt", "pbkdf2");
        var cost = new Option<int>("--cost") { Description = "bcrypt cost (4-31)", DefaultValueFactory = _ => 8 };
        var iterations = new Option<int>("--iterations") { Description = "pbkdf2 iterations", DefaultValueFactory = _ => 4096 };
        var command = new Command("hash-password", "read a password on stdin and print its hashed JSON form") { type, cost, iterations };
        command.SetAction(result =>
        {
            var password = readSecret();
            if (string.IsNullOrEmpty(password))
            {
                stderr.WriteLine("tessera-ctl: no password given on stdin");
                return 1;
            }
            var kind = result.GetValue(type);
            var c = result.GetValue(cost);
            var n = result.GetValue(iterations);
            if (kind == "bcrypt" && c is < 4 or > 31)
            {
                stderr.WriteLine("tessera-ctl: --cost must be between 4 and 31");
                return 1;
            }
            if (kind == "pbkdf2" && n < 1)
            {
                stderr.WriteLine("tessera-ctl: --iterations must be positive");
                return 1;
            }
            if (kind == "bcrypt" && Encoding.UTF8.GetByteCount(password) > 72)
            {
                stderr.WriteLine("tessera-ctl: bcrypt only uses the first 72 bytes; refusing a longer password (use --type pbkdf2)");
                return 1;
            }
            var hashed = kind == "pbkdf2" ? Pbkdf2(password, n) : Bcrypt(password, c);
            stdout.WriteLine(JsonSerializer.Serialize(hashed));
            return 0;
        });
        return command;
    }

    internal static Password Bcrypt(string password, int cost) =>
        Password.FromType("bcrypt") with
        {
            Key = BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(cost, 'a')),
        };

    internal static Password Pbkdf2(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(8);
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return Password.FromType("pbkdf2") with
        {
            Hash = "sha-256",
            Key = Convert.ToHexStringLower(key),
            Salt = Convert.ToHexStringLower(salt),
            Iterations = iterations,
        };
    }
}
