using System.Diagnostics;

namespace Tessera.Server.Tests.Admin;

/// <summary>The built <c>tessera-ctl</c>, run as a separate process with its own configuration folder.</summary>
internal sealed class CtlProcess(string configHome)
{
    public static string Dll()
    {
        var server = Support.ServerProcess.ServerDll();
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(server))!);
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(server)!, "..", "..", "..", "..", ".."));
        return Path.Combine(root, "src", "Tessera.Ctl", "bin", configuration, "net10.0", "tessera-ctl.dll");
    }

    public string ConfigHome { get; } = configHome;

    public async Task<(int Exit, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            Environment = { ["XDG_CONFIG_HOME"] = ConfigHome },
        };
        info.ArgumentList.Add(Dll());
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
        return (process.ExitCode, await output, await error);
    }
}
