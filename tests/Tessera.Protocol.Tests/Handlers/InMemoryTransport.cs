using System.Net;
using Tessera.Protocol;

namespace Tessera.Protocol.Tests.Handlers;

/// <summary>
/// A connection that keeps what the protocol sends in a list, in order. Like the WebSocket
/// transport it never blocks, and once closed it takes no more messages.
/// </summary>
public sealed class InMemoryTransport(string remoteAddress = "192.0.2.7:50000") : IClientTransport
{
    private readonly List<Message> _sent = [];

    public string RemoteAddress { get; } = remoteAddress;
    public IPAddress RemoteIp { get; } = IPEndPoint.Parse(remoteAddress).Address;

    /// <summary>How the connection was ended, or null while it is open.</summary>
    public CloseReason? Closed { get; private set; }

    public bool Send(Message message)
    {
        lock (_sent)
        {
            if (Closed is not null) return false;
            _sent.Add(message);
            return true;
        }
    }

    public void Close(CloseReason reason)
    {
        lock (_sent) Closed ??= reason;
    }

    /// <summary>Removes and returns everything sent so far.</summary>
    public List<Message> Take()
    {
        lock (_sent)
        {
            var all = _sent.ToList();
            _sent.Clear();
            return all;
        }
    }
}
