namespace Tessera.Server.Hosting;

/// <summary>
/// Galène's flags have one dash (Go's flag package: <c>-http :8443</c>, <c>-insecure=true</c>);
/// ours have two. Rewriting Galène's spelling before parsing lets an existing service unit start
/// Tessera unchanged while <c>--help</c> shows one spelling only.
/// </summary>
public static class GaleneFlagSpelling
{
    /// <param name="longNames">Our flags' names without dashes ("http", "insecure", …).</param>
    public static string[] ToDoubleDash(IReadOnlyList<string> args, IReadOnlySet<string> longNames)
    {
        var result = new string[args.Count];
        bool valuesOnly = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
                valuesOnly = true; // everything after is an argument, never a flag
            result[i] = !valuesOnly && IsGaleneFlag(arg, longNames) ? "-" + arg : arg;
        }
        return result;
    }

    private static bool IsGaleneFlag(string arg, IReadOnlySet<string> longNames)
    {
        if (arg.Length < 3 || arg[0] != '-' || arg[1] == '-')
            return false;
        int equals = arg.IndexOf('=');
        string name = equals < 0 ? arg[1..] : arg[1..equals];
        return longNames.Contains(name);
    }
}
