using System.Net;
using System.Net.Sockets;
using Tessera.Media.Stun;

namespace Tessera.Media.Tests.Testing;

/// <summary>A UDP socket on 127.0.0.1 playing the server side of the ICE check, scripted by each test.</summary>
internal sealed class FakeStunServer : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(5);
    private readonly Socket _udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public FakeStunServer() => _udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public IPEndPoint EndPoint => (IPEndPoint)_udp.LocalEndPoint!;

    /// <summary>The next STUN message received, and who sent it.</summary>
    public async Task<(StunMessage Message, EndPoint From)> ReceiveAsync()
    {
        var buffer = new byte[2048];
        using var cts = new CancellationTokenSource(Generous);
        var r = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, r.ReceivedBytes), out var message));
        return (message!, r.RemoteEndPoint);
    }

    public void Send(byte[] datagram, EndPoint to) => _udp.SendTo(datagram, to);

    public void Answer(ReadOnlySpan<byte> transactionId, EndPoint to, StunErrorCode? error = null)
    {
        var reply = error is { } e
            ? new StunMessageBuilder(StunMessageType.BindingError, transactionId).AddErrorCode(e)
            : new StunMessageBuilder(StunMessageType.BindingSuccess, transactionId).AddXorMappedAddress((IPEndPoint)to);
        Send(reply.AddFingerprint().ToArray(), to);
    }

    public void Dispose() => _udp.Dispose();
}
