using System.Net;
using System.Net.Sockets;
using Tessera.Media.Transport;

namespace Tessera.Media.Turn;

/// <summary>The transport a client reached the TURN server over.</summary>
public enum TurnTransport
{
    Udp,
    Tcp,
    Tls,
}

/// <summary>
/// One client 5-tuple (RFC 8656 §2): where responses, Data indications and ChannelData messages
/// for that client go, and the allocation it holds (at most one per 5-tuple).
/// </summary>
internal abstract class TurnClient
{
    private volatile Allocation? _allocation;

    protected TurnClient(IPEndPoint remote, TurnTransport transport)
    {
        Remote = remote;
        Transport = transport;
    }

    public IPEndPoint Remote { get; }
    public TurnTransport Transport { get; }
    public Allocation? Allocation { get => _allocation; set => _allocation = value; }

    /// <summary>
    /// The thread that reads this client's relay socket, if any; null: the allocation reads it with
    /// an async loop of its own (stream clients, whose blocking writes must not hold up the others).
    /// </summary>
    public virtual SocketPoller? Poller => null;

    /// <summary>Called when its allocation has gone (expired, refreshed to zero, or the server stopping).</summary>
    public virtual void AllocationEnded()
    {
    }

    /// <summary>Sends one STUN message.</summary>
    public abstract void Send(ReadOnlySpan<byte> message);

    /// <summary>Sends one ChannelData message (header included); a stream transport pads it to 4 bytes.</summary>
    public abstract void SendChannelData(ReadOnlySpan<byte> message);
}

/// <summary>
/// A client on the UDP listener: sends go from the listener's socket to the client's address,
/// batched with the others when made on the poller's thread.
/// </summary>
internal sealed class UdpTurnClient(DatagramSender sender, SocketPoller? poller, SocketAddress address, IPEndPoint remote,
    Action<UdpTurnClient> ended)
    : TurnClient(remote, TurnTransport.Udp)
{
    public SocketAddress Address { get; } = address;

    public override SocketPoller? Poller => poller;

    public override void AllocationEnded() => ended(this);

    public override void Send(ReadOnlySpan<byte> message) => sender.SendTo(message, Address);

    public override void SendChannelData(ReadOnlySpan<byte> message) => sender.SendTo(message, Address);
}
