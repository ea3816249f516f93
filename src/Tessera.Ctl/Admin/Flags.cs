using System.CommandLine;

namespace Tessera.Ctl.Admin;

/// <summary>
/// Options spelt as galenectl spells them (Go's flag package: <c>-group lab</c>, <c>-group=lab</c>)
/// and with the usual double dash (<c>--group lab</c>), so scripts written for galenectl run unchanged.
/// </summary>
internal static class Flags
{
    public static Option<string?> Text(string name, string description) =>
        new("--" + name, "-" + name) { Description = description };

    /// <summary>A boolean that may be given bare (<c>-wildcard</c>) or with a value (<c>-auto-subgroups=false</c>).</summary>
    public static Option<bool> Switch(string name, string description) =>
        new("--" + name, "-" + name) { Description = description, Arity = ArgumentArity.ZeroOrOne };

    public static Option<int> Number(string name, string description, int defaultValue) =>
        new("--" + name, "-" + name) { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>Whether the option appeared on the command line (as opposed to taking its default).</summary>
    public static bool IsSet(this ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

    public static string Required(this ParseResult result, Option<string?> option) =>
        result.GetValue(option) is { Length: > 0 } value ? value : throw new CtlException($"option -{option.Name.TrimStart('-')} is required");
}
