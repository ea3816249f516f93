using System.CommandLine;
using System.CommandLine.Help;
using Tessera.Ctl.Admin;

namespace Tessera.Ctl;

/// <summary>
/// The <c>tessera-ctl</c> command tree: galenectl's commands, flags, configuration file and exit
/// codes (0 done, 1 a mistake or a refusal, 2 a command line that does not parse), plus Tessera's
/// key tools. Input and output are passed in, so tests can also run the commands in process.
/// </summary>
public static class CtlApp
{
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, Func<string?>? readSecret = null,
                          TimeProvider? time = null)
    {
        var secret = readSecret ?? (() => stdin.ReadLine());
        var global = new GlobalOptions();
        var root = new RootCommand("Tessera administration tool, compatible with Galène's galenectl.\n" +
                                   "Global options go before the command: tessera-ctl [-server URL] [-admin-username U] COMMAND [options]");
        foreach (var option in global.All) root.Options.Add(option);
        // Go's flag package answers -help too.
        foreach (var help in root.Options.OfType<HelpOption>()) help.Aliases.Add("-help");

        root.Subcommands.Add(GenKeyCommand.Create(stdout));
        root.Subcommands.Add(PublicKeyCommand.Create(stdin, stdout, stderr));
        root.Subcommands.Add(HashPasswordCommand.Create(stdout, stderr, secret));
        root.Subcommands.Add(InitialSetupCommand.Create(global, stdout, stderr, secret));
        foreach (var command in PasswordCommands.Create(global, stderr, secret)) root.Subcommands.Add(command);
        foreach (var command in GroupCommands.Create(global, stdin, stdout, stderr)) root.Subcommands.Add(command);
        foreach (var command in UserCommands.Create(global, stdin, stdout, stderr)) root.Subcommands.Add(command);
        foreach (var command in TokenCommands.Create(global, stdin, stdout, stderr, time ?? TimeProvider.System)) root.Subcommands.Add(command);
        foreach (var command in ClusterCommands.Create(global, stdout, stderr)) root.Subcommands.Add(command);

        var parsed = root.Parse(args);
        var wantsHelp = args.Any(a => a is "-h" or "--help" or "-help" or "-?" or "/?" or "/h" or "--version");
        if (parsed.CommandResult.Command == root && !wantsHelp)
        {
            // Like galenectl, a missing or unknown command is a mistake (1); a bad option is a parse error (2).
            stderr.WriteLine(parsed.UnmatchedTokens.FirstOrDefault(a => !a.StartsWith('-')) is { } unknown
                ? $"tessera-ctl: unknown command '{unknown}'. Run 'tessera-ctl --help' for the list."
                : "tessera-ctl: no command given. Run 'tessera-ctl --help' for the list.");
            return 1;
        }
        if (parsed.Errors.Count > 0)
        {
            // Errors and usage go to stderr, so "tessera-ctl gen-key ... > key.json" never captures help text.
            foreach (var e in parsed.Errors) stderr.WriteLine($"tessera-ctl: {e.Message}");
            stderr.WriteLine("Run 'tessera-ctl --help' for usage.");
            return 2;
        }
        return parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }).GetAwaiter().GetResult();
    }
}
