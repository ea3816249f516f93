using System.Net;
using System.Net.Sockets;
using Tessera.Media.Stun;

namespace Tessera.Media.Tests.Ice;

/// <summary>A minimal browser-side ICE checker: sends Binding requests over a real UDP socket on 127.0.0.1.</summary>
internal sealed class StunTestClient : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));

    public IPEndPoint LocalEndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

    public async Task<StunMessage> CheckAsync(IPEndPoint server, string username, string password,
        bool useCandidate = false, bool controlled = false)
    {
        var builder = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername(username).AddPriority(1845501695);
        if (controlled)
            builder.AddIceControlled(1);
        else
            builder.AddIceControlling(0x1122334455667788);
        if (useCandidate)
            builder.AddUseCandidate();
        await SendAsync(builder.AddMessageIntegrity(password).AddFingerprint().ToArray(), server);
        var reply = await ReceiveAsync();
        Assert.True(StunMessage.TryParse(reply, out var message));
        return message!;
    }

    public async Task SendAsync(byte[] datagram, IPEndPoint server) => await _udp.SendAsync(datagram, server);

    public async Task<byte[]> ReceiveAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var result = await _udp.ReceiveAsync(cts.Token);
        return result.Buffer;
    }

    public void Dispose() => _udp.Dispose();
}
