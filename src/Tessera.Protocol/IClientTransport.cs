namespace Tessera.Protocol;

/// <summary>
/// The connection under a session, as the protocol sees it. Implementations must never block:
/// the protocol sends while holding a group's lock.
/// </summary>
public interface IClientTransport
{
    /// <summary>Queues a message. False when the client is gone or cannot keep up (it is then being disconnected).</summary>
    bool Send(Message message);

    /// <summary>Ends the connection after the messages already queued. Idempotent.</summary>
    void Close(CloseReason reason);

    /// <summary>The peer's <c>host:port</c>, revealed to operators by <c>identify</c>.</summary>
    string RemoteAddress { get; }

    /// <summary>The peer's IP address, the key for login throttling.</summary>
    System.Net.IPAddress RemoteIp { get; }
}

/// <summary>How and why a connection ends (protocol.md §3.3).</summary>
public sealed record CloseReason(int Code, string? Text)
{
    public const int Normal = 1000;
    public const int ProtocolError = 1002;
    public const int TooBig = 1009;
    public const int InternalError = 1011;

    public static CloseReason Internal { get; } = new(InternalError, null);
}

/// <summary>Thrown by a handler to end the connection; the session sends the notice first when asked to.</summary>
public sealed class ConnectionEndingException(CloseReason reason, bool notifyClient) : Exception(reason.Text ?? "connection ends")
{
    public CloseReason Reason { get; } = reason;
    public bool NotifyClient { get; } = notifyClient;

    public static ConnectionEndingException Protocol(string text) => new(new CloseReason(CloseReason.ProtocolError, text), true);
    public static ConnectionEndingException User(string text) => new(new CloseReason(CloseReason.Normal, text), true);
    public static ConnectionEndingException Internal() => new(CloseReason.Internal, false);
}
