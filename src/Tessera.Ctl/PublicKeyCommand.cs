using System.CommandLine;
using Tessera.Auth.Jwk;

namespace Tessera.Ctl;

/// <summary>
/// <c>public-key [--key FILE]</c>: reads a private JWK (stdin by default) and prints its public part,
/// to paste into a group's <c>authKeys</c>. A symmetric (HS*) key has no public part: the group
/// needs the shared secret itself, so it is printed unchanged with a warning.
/// </summary>
internal static class PublicKeyCommand
{
    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var file = new Option<FileInfo?>("--key") { Description = "file holding the private JWK (default: stdin)" };
        var command = new Command("public-key", "print the public JWK of a private JWK read from stdin") { file };
        command.SetAction(result =>
        {
            var path = result.GetValue(file);
            var json = path is null ? stdin.ReadToEnd() : File.ReadAllText(path.FullName);
            JsonWebKey key;
            try
            {
                key = JsonWebKeyParser.Parse(json.Trim());
            }
            catch (JwkFormatException e)
            {
                stderr.WriteLine($"tessera-ctl: not a usable JWK: {e.Message}");
                return 1;
            }
            if (key.KeyType == "oct")
            {
                stderr.WriteLine("tessera-ctl: warning: an HMAC key has no public part; the group needs this secret itself. Keep it private.");
                stdout.WriteLine(key.Json.Trim());
                return 0;
            }
            stdout.WriteLine(key.ToPublicJwk());
            return 0;
        });
        return command;
    }
}
