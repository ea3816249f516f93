using System.Net.Sockets;
using System.Text;

namespace Tessera.Server.Tests.Support;

/// <summary>
/// One HTTP/1.1 request written by hand on a TCP socket, for methods that HttpClient will not
/// send in origin form (CONNECT) or that no client library knows (PROPFIND, made-up tokens).
/// </summary>
public static class RawHttp
{
    public sealed record Reply(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    public static async Task<Reply> SendAsync(Uri server, string method, string path, params (string Name, string Value)[] headers)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        var extra = string.Concat(headers.Select(h => $"{h.Name}: {h.Value}\r\n"));
        var request = $"{method} {path} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\nContent-Length: 0\r\n{extra}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = (split < 0 ? text : text[..split]).Split("\r\n");
        var received = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.Skip(1))
            if (line.IndexOf(':') is var colon and > 0) received[line[..colon]] = line[(colon + 1)..].Trim();
        var body = split < 0 ? "" : text[(split + 4)..];
        if (received.TryGetValue("Transfer-Encoding", out var coding) && coding == "chunked") body = Unchunk(body);
        return new Reply(int.Parse(head[0].Split(' ')[1]), received, body);
    }

    private static string Unchunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var end = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..end], 16);
            if (size == 0) return body.ToString();
            body.Append(chunked, end + 2, size);
            at = end + 2 + size + 2;
        }
    }
}
