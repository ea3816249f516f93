using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Tessera.Bench.Join;

/// <summary>
/// The server under test as a child process: <c>dotnet tessera.dll --insecure --http 127.0.0.1:0</c>
/// on the fixture's folders. The bound address is read from its "listening on" line; its output
/// is kept so that dropped connections and errors can be counted afterwards.
/// </summary>
public sealed partial class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;
    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<ServerProcess> StartAsync(string serverDll, Fixture fixture, IReadOnlyList<string> extraArgs)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The load client may run with inline socket completions (README: chat phase); the server
        // under test keeps the runtime's defaults.
        info.Environment.Remove("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        foreach (var a in new[] { serverDll, "--insecure", "--http", "127.0.0.1:0", "--data", fixture.DataDir, "--groups", fixture.GroupsDir }.Concat(extraArgs))
            info.ArgumentList.Add(a);
        var server = new ServerProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet"));
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        var exited = server._process.WaitForExitAsync();
        var first = await Task.WhenAny(server._listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != server._listening.Task)
        {
            server.Dispose();
            throw new InvalidOperationException("the server did not start:\n" + string.Join('\n', server.Log));
        }
        server.BaseUrl = await server._listening.Task;
        return server;
    }

    public IReadOnlyList<string> Log
    {
        get { lock (_log) return _log.ToArray(); }
    }

    /// <summary>Number of log lines so far, to look at what one phase produced.</summary>
    public int LogMark
    {
        get { lock (_log) return _log.Count; }
    }

    public IReadOnlyList<string> LogSince(int mark)
    {
        lock (_log) return _log.Skip(mark).ToArray();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_log) _log.Add(line);
        var match = ListeningLine().Match(line);
        if (match.Success) _listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }

    [GeneratedRegex(@"(?:Tessera|Floor) listening on (\S+)")]
    private static partial Regex ListeningLine();
}
