using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Tessera.Bench.Sfu;

/// <summary>
/// A <see cref="LoadWorker"/> in a child process of this bench, so that the load client can use
/// more than what one process's receive path gives. One command line on the child's stdin, one
/// answer line on its stdout (<see cref="WorkerHost"/>); the child's stderr is passed through.
/// </summary>
internal sealed class RemoteWorker : ILoadWorker
{
    private readonly Process _process;
    private readonly SemaphoreSlim _turn = new(1, 1);

    public RemoteWorker(Options options, int port, int index, int count)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var (flag, value) in new[]
                 {
                     ("--publishers", options.Publishers), ("--subscribers", options.Subscribers), ("--bitrate", options.VideoBitrate),
                     ("--connects", options.Connects), ("--port", port), ("--worker", index), ("--workers", count),
                 })
        {
            start.ArgumentList.Add(flag);
            start.ArgumentList.Add(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        // Socket completions run on the epoll thread instead of being queued to the thread pool:
        // a received datagram is decrypted and counted with no hand-off, and the handler never blocks.
        start.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1";
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.Error.WriteLine($"[worker {index}] {line}"); };
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public Task ConnectPublishersAsync() => RequestAsync("publishers");
    public Task ConnectSubscribersAsync() => RequestAsync("subscribers");
    public async Task<int> ConnectedStreamsAsync() => int.Parse(await RequestAsync("connected"));
    public Task StartSendingAsync() => RequestAsync("send");
    public Task OpenWindowAsync(long startTicks, long endTicks) => RequestAsync($"open {startTicks} {endTicks}");
    public async Task<WorkerReport> CloseWindowAsync() => JsonSerializer.Deserialize<WorkerReport>(await RequestAsync("close"))!;

    private async Task<string> RequestAsync(string command)
    {
        await _turn.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
            string answer = await _process.StandardOutput.ReadLineAsync()
                ?? throw new InvalidOperationException($"worker process {Pid} ended (exit {(_process.HasExited ? _process.ExitCode : -1)}) on '{command}'");
            return answer.StartsWith(WorkerHost.Failed, StringComparison.Ordinal)
                ? throw new InvalidOperationException($"worker process {Pid}: '{command}' failed: {answer[WorkerHost.Failed.Length..]}")
                : answer;
        }
        finally
        {
            _turn.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close(); // end of commands: the worker disconnects and exits
                if (!_process.WaitForExit(10_000))
                    _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The child process's side of <see cref="RemoteWorker"/>: reads commands until stdin closes.</summary>
internal static class WorkerHost
{
    public const string Failed = "failed ";

    public static async Task<int> RunAsync(Options options)
    {
        var endpoint = new Uri($"ws://127.0.0.1:{options.Port}/ws");
        await using var worker = new LoadWorker(options, endpoint, options.WorkerIndex, options.Workers);
        var stdout = Console.Out;
        while (await Console.In.ReadLineAsync() is { } line)
        {
            string[] words = line.Split(' ');
            string answer;
            try
            {
                answer = words[0] switch
                {
                    "publishers" => await Done(worker.ConnectPublishersAsync()),
                    "subscribers" => await Done(worker.ConnectSubscribersAsync()),
                    "connected" => (await worker.ConnectedStreamsAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "send" => await Done(worker.StartSendingAsync()),
                    "open" => await Done(worker.OpenWindowAsync(long.Parse(words[1]), long.Parse(words[2]))),
                    "close" => JsonSerializer.Serialize(await worker.CloseWindowAsync()),
                    _ => throw new ArgumentException($"unknown command '{line}'"),
                };
            }
            catch (Exception e)
            {
                answer = Failed + e.Message.ReplaceLineEndings(" ");
            }
            await stdout.WriteLineAsync(answer);
            await stdout.FlushAsync();
        }
        return 0;

        static async Task<string> Done(Task task)
        {
            await task;
            return "ok";
        }
    }
}
