using System.Net;
using System.Net.Sockets;

namespace Tessera.Media.Testing;

/// <summary>Finds where to send media from the server's SDP, as a browser would from its candidates.</summary>
public static class ServerCandidate
{
    /// <summary>The first IPv4 UDP a=candidate line of the SDP.</summary>
    /// <exception cref="InvalidOperationException">The SDP has no IPv4 UDP candidate.</exception>
    public static IPEndPoint FirstIpv4Udp(string sdp)
    {
        foreach (var raw in sdp.Split('\n'))
        {
            string line = raw.Trim();
            if (!line.StartsWith("a=candidate:"))
                continue;
            // foundation component transport priority address port typ ...
            var f = line.Split(' ');
            if (f.Length > 5 && f[2].Equals("udp", StringComparison.OrdinalIgnoreCase) && IPAddress.TryParse(f[4], out var ip)
                && ip.AddressFamily == AddressFamily.InterNetwork && int.TryParse(f[5], out int port) && port is > 0 and <= 65535)
                return new IPEndPoint(ip, port);
        }
        throw new InvalidOperationException("no IPv4 UDP candidate in the server's SDP");
    }
}
