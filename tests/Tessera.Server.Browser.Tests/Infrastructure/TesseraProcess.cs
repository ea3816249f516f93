using System.Diagnostics;
using System.Text;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// The real `tessera` server in its own process, on a free loopback port, with a temporary data
/// and groups directory. Disposing kills it and removes the directories.
/// </summary>
public sealed class TesseraProcess : IAsyncDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();
    readonly string root;

    public string BaseUrl { get; }
    public string GroupsDirectory { get; }
    public string DataDirectory { get; }

    TesseraProcess(Process process, string root, string baseUrl)
    {
        this.process = process;
        this.root = root;
        BaseUrl = baseUrl;
        GroupsDirectory = Path.Combine(root, "groups");
        DataDirectory = Path.Combine(root, "data");
    }

    /// <summary>What the server printed so far (for failure messages).</summary>
    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    /// <summary>Writes the groups (name → JSON description), starts the server and waits until it answers.</summary>
    public static async Task<TesseraProcess> StartAsync(IReadOnlyDictionary<string, string> groups, string? configJson = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "tessera-browser-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(root, "data");
        var groupsDir = Path.Combine(root, "groups");
        Directory.CreateDirectory(data);
        Directory.CreateDirectory(groupsDir);
        if (configJson is not null) await File.WriteAllTextAsync(Path.Combine(data, "config.json"), configJson);
        foreach (var (name, json) in groups)
        {
            var file = Path.Combine(groupsDir, name.Replace('/', Path.DirectorySeparatorChar) + ".json");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, json);
        }

        var port = FreePort.Find();
        var start = new ProcessStartInfo("dotnet")
        {
            // The server serves the client copied next to its binary, exactly as shipped.
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     BuildInfo.ServerAssembly, "--insecure", "--http", $"127.0.0.1:{port}",
                     "--data", data, "--groups", groupsDir,
                 })
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = start };
        var server = new TesseraProcess(process, root, $"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await server.WaitUntilAnsweringAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"tessera exited with {process.ExitCode}:\n{Output}");
            try
            {
                using var response = await http.GetAsync(BaseUrl + "/");
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
        throw new TimeoutException($"tessera did not answer on {BaseUrl}:\n{Output}");
    }

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
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
