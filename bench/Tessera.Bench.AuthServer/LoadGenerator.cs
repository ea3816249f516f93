using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tessera.Bench.AuthServer;

/// <summary>
/// A lean HTTP/1.1 load generator (like wrk): <c>concurrency</c> keep-alive connections, each
/// sending a prepared login request and reading the answer by its Content-Length. Cheaper per
/// request than HttpClient, so more of the shared CPU goes to the server being measured.
/// </summary>
internal static class LoadGenerator
{
    public sealed record Result(long Tokens, long Failures, TimeSpan Elapsed, TimeSpan LoadGeneratorCpu)
    {
        public double PerSecond => Tokens / Elapsed.TotalSeconds;
    }

    public static async Task<Result> RunAsync(IPEndPoint server, IReadOnlyList<byte[]> requests, int concurrency, TimeSpan duration)
    {
        long tokens = 0, failures = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var deadline = stopwatch.Elapsed + duration;
        var next = 0;

        async Task Worker()
        {
            var buffer = new byte[16384];
            while (stopwatch.Elapsed < deadline)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(server);
                while (stopwatch.Elapsed < deadline)
                {
                    var request = requests[(Interlocked.Increment(ref next) & int.MaxValue) % requests.Count];
                    await socket.SendAsync(request);
                    var status = await ReadResponse(socket, buffer);
                    if (status == 200) Interlocked.Increment(ref tokens);
                    else Interlocked.Increment(ref failures);
                    if (status < 0) break;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker)));
        return new Result(tokens, failures, stopwatch.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpuBefore);
    }

    /// <returns>The status code, or -1 when the connection cannot be reused.</returns>
    private static async Task<int> ReadResponse(Socket socket, byte[] buffer)
    {
        var filled = 0;
        int headerEnd;
        while ((headerEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(filled));
            if (n == 0 || filled + n == buffer.Length) return -1;
            filled += n;
        }
        var headers = Encoding.ASCII.GetString(buffer, 0, headerEnd);
        var status = int.Parse(headers.AsSpan(9, 3));
        var length = 0;
        foreach (var line in headers.Split("\r\n"))
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line.AsSpan(15).Trim());
            else if (line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase)) return -1;
        var remaining = headerEnd + 4 + length - filled;
        while (remaining > 0)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(0, Math.Min(buffer.Length, remaining)));
            if (n == 0) return -1;
            remaining -= n;
        }
        return status;
    }

    public static byte[] LoginRequest(string user, string password, string location)
    {
        var body = $$"""{"username":"{{user}}","password":"{{password}}","location":"{{location}}"}""";
        return Encoding.UTF8.GetBytes(
            $"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");
    }
}
