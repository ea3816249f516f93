using System.CommandLine;

namespace Tessera.Ctl;

/// <summary>
/// The <c>tessera-ctl</c> command tree. Input and output are passed in, so tests run the real
/// commands without a child process.
/// </summary>
public static class CtlApp
{
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, Func<string?>? readSecret = null)
    {
        var root = new RootCommand("Tessera administration tool");
        root.Subcommands.Add(GenKeyCommand.Create(stdout));
        root.Subcommands.Add(PublicKeyCommand.Create(stdin, stdout, stderr));
        root.Subcommands.Add(HashPasswordCommand.Create(stdout, stderr, readSecret ?? (() => stdin.ReadLine())));
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Errors and usage go to stderr, so "tessera-ctl gen-key ... > key.json" never captures help text.
            foreach (var e in parsed.Errors) stderr.WriteLine($"tessera-ctl: {e.Message}");
            stderr.WriteLine("Run 'tessera-ctl --help' for usage.");
            return 2;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }
}
