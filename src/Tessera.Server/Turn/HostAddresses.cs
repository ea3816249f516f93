using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Tessera.Server.Turn;

/// <summary>The addresses of this host's interfaces, loopback included.</summary>
public static class HostAddresses
{
    public static IReadOnlyList<IPAddress> All() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(u => u.Address))
            .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            .ToList();

    public static bool IsLocal(IPAddress address) => IPAddress.IsLoopback(address) || All().Contains(address);
}
