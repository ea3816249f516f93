using System.Diagnostics;
using System.Text;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// One of the project's executables run as a child process (`dotnet X.dll args`), considered up
/// once its HTTP listener answers, or, when the test process cannot reach it (another network
/// namespace), once it prints a given line. Disposing kills it (whole process tree).
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

    /// <param name="launcher">A command that runs `dotnet` elsewhere (ip netns exec NS); it must exec, so the PID stays the server's.</param>
    /// <param name="readyWhenPrinted">Considered up once the output has this, instead of probing <paramref name="probeUrl"/>.</param>
    public static async Task<DotnetProcess> StartAsync(string assembly, IEnumerable<string> arguments,
                                                       string workingDirectory, string probeUrl,
                                                       IReadOnlyList<string>? launcher = null, string? readyWhenPrinted = null)
    {
        var start = new ProcessStartInfo(launcher is [var program, ..] ? program : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (launcher is not null)
        {
            foreach (var part in launcher.Skip(1)) start.ArgumentList.Add(part);
            start.ArgumentList.Add("dotnet");
        }
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
            if (readyWhenPrinted is null)
                await child.WaitUntilAnsweringAsync(probeUrl);
            else
                await child.WaitUntilPrintedAsync(readyWhenPrinted);
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
                throw new InvalidOperationException($"{Path.GetFileName(process.StartInfo.ArgumentList.First(a => a.EndsWith(".dll")))} exited with {process.ExitCode}:\n{Output}");
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

    async Task WaitUntilPrintedAsync(string line)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!Output.Contains(line))
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(); // lets the output readers drain
                throw new InvalidOperationException($"the process exited with {process.ExitCode}:\n{Output}");
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"\"{line}\" never printed:\n{Output}");
            await Task.Delay(50);
        }
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
