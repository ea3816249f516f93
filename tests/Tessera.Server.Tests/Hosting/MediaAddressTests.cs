using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Server.Streams;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Hosting;

/// <summary>The media socket is bound where its candidates say browsers should send.</summary>
public sealed class MediaAddressTests
{
    [Fact]
    public async Task A_loopback_candidate_other_than_127_0_0_1_is_the_address_the_media_socket_receives_on()
    {
        await using var s = await TestServer.StartAsync(configure: o => o with { IceAddresses = ["127.0.0.2"] });
        var multiplexer = s.Services.GetRequiredService<MediaPlane>().Multiplexer;
        var candidate = Assert.Single(multiplexer.Candidates, c => !c.Tcp).EndPoint;
        Assert.Equal(IPAddress.Parse("127.0.0.2"), candidate.Address);

        // A datagram to the advertised candidate reaches the multiplexer (it counts what nobody claims).
        using var browser = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        browser.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        long before = multiplexer.UnroutedDatagrams;
        await browser.SendToAsync(new byte[] { 22, 254, 253, 0 }, candidate); // looks like DTLS from an unknown source
        await Eventually.True(() => multiplexer.UnroutedDatagrams == before + 1, "the datagram to the candidate arrived");
    }

    [Fact]
    public void One_loopback_address_is_bound_exactly_several_by_their_familys_wildcard_and_anything_else_everywhere()
    {
        Assert.Equal(IPAddress.Parse("127.0.0.2"), MediaPlane.BindAddressFor([IPAddress.Parse("127.0.0.2")]));
        Assert.Equal(IPAddress.IPv6Loopback, MediaPlane.BindAddressFor([IPAddress.IPv6Loopback]));
        Assert.Equal(IPAddress.Any, MediaPlane.BindAddressFor([IPAddress.Loopback, IPAddress.Parse("127.0.0.3")]));
        Assert.Equal(IPAddress.IPv6Any, MediaPlane.BindAddressFor([IPAddress.Parse("203.0.113.7")]));
        Assert.Equal(IPAddress.IPv6Any, MediaPlane.BindAddressFor([]));
    }
}
