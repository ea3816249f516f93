using System.CommandLine;
using System.Text.Json;
using Tessera.Ctl.Admin;

namespace Tessera.Ctl;

/// <summary>
/// <c>hash-password [-type bcrypt|pbkdf2|wildcard] [-cost N] [-iterations N] [-key N] [-salt N] [-password P]</c>:
/// prints the JSON password object for a group or users file, galenectl's command with its flags
/// and defaults (files.md §6.3: bcrypt cost 8; pbkdf2 with sha-256, 4096 iterations, 32-byte key,
/// 8-byte salt). Without <c>-password</c> the password is read from standard input (one line) or
/// asked for without echo, so it need not appear on a command line other users can see.
/// </summary>
internal static class HashPasswordCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Func<string?> readSecret)
    {
        var hashing = new HashingOptions();
        var command = new Command("hash-password", "print the hashed JSON form of a password read from standard input");
        hashing.AddTo(command);
        command.SetCtlAction(stderr, r =>
        {
            stdout.WriteLine(JsonSerializer.Serialize(hashing.Make(r, readSecret)));
            return Task.CompletedTask;
        });
        return command;
    }
}
