using System.Net;
using System.Net.Sockets;

namespace Tessera.AuthServer.Tests.Support;

/// <summary>An HttpClient whose connections leave from a chosen loopback address (127.0.0.0/8 is all local on Linux).</summary>
public static class LoopbackClient
{
    public static HttpClient From(IPAddress source, Uri baseAddress)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }
}
