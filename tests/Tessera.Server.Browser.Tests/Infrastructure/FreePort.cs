using System.Net;
using System.Net.Sockets;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>Finds a loopback port nobody uses right now, so parallel test runs never collide.</summary>
public static class FreePort
{
    public static int Find()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
