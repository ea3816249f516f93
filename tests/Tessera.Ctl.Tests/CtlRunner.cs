namespace Tessera.Ctl.Tests;

/// <summary>Runs the real command tree with captured streams.</summary>
internal static class CtlRunner
{
    public static (int Exit, string Out, string Err) Run(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = CtlApp.Run(args, new StringReader(stdin), output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
