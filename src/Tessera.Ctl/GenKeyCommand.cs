using System.CommandLine;
using Tessera.Auth.Jwk;

namespace Tessera.Ctl;

/// <summary><c>gen-key --alg ALG [--kid K]</c>: prints a fresh private JWK for tessera-auth's <c>keys</c>.</summary>
internal static class GenKeyCommand
{
    public static readonly string[] Algorithms = ["ES256", "HS256", "RS256", "EdDSA", "HS384", "HS512", "ES384", "ES512", "PS256"];

    public static Command Create(TextWriter stdout)
    {
        var alg = new Option<string>("--alg") { Description = "signature algorithm", DefaultValueFactory = _ => "ES256" };
        alg.AcceptOnlyFromAmong(Algorithms);
        var kid = new Option<string?>("--kid") { Description = "key id put in the JWK and in every token header" };
        var command = new Command("gen-key", "print a new private JWK (use public-key to get its public part)") { alg, kid };
        command.SetAction(result =>
        {
            stdout.WriteLine(JsonWebKeyGenerator.Generate(result.GetValue(alg)!, result.GetValue(kid)));
            return 0;
        });
        return command;
    }
}
