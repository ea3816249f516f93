using System.Diagnostics;
using System.Text;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// One of the project's executables run as a child process (`dotnet X.dll args`), considered up
/// once its HTTP listener answers. Disposing kills it (whole process tree).
/// </summary>
public sealed class DotnetProcess : IAsyncDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();

    DotnetProcess(Process process) => this.process = process;

    /// <summary>What the process printed so far (for failure messages).</summary>
    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    public static async Task<DotnetProcess> StartAsync(string assembly, IEnumerable<string> arguments,
                                                       string workingDirectory, string probeUrl)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_NOLOGO"] = "1";

        var child = new DotnetProcess(new Process { StartInfo = start });
        child.process.OutputDataReceived += (_, e) => child.Append(e.Data);
        child.process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        try
        {
            child.process.Start();
            child.process.BeginOutputReadLine();
            child.process.BeginErrorReadLine();
            await child.WaitUntilAnsweringAsync(probeUrl);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
        return child;
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    async Task WaitUntilAnsweringAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{Path.GetFileName(process.StartInfo.ArgumentList[0])} exited with {process.ExitCode}:\n{Output}");
            try
            {
                using var response = await http.GetAsync(url);
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"no answer from {url}:\n{Output}");
    }

    /// <summary>Sends SIGTERM (what systemd sends on stop) and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        if (kill(process.Id, SigTerm) != 0)
            throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed");
        await Eventually.Completes(process.WaitForExitAsync(), "the process to exit after SIGTERM");
        return process.ExitCode;
    }

    const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        process.Dispose();
    }
}
