using System.Net;
using System.Net.Sockets;

namespace Tessera.Testing;

/// <summary>A loopback TCP port nobody uses right now, for a server a test or benchmark starts.</summary>
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
