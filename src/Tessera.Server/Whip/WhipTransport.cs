using System.Net;
using Tessera.Protocol;

namespace Tessera.Server.Whip;

/// <summary>
/// What the protocol sees in place of a WebSocket for a WHIP publisher: the replies to the join and
/// the offer the session is waiting for are kept, everything else a member is told (the user list,
/// chat history, offers of others' streams) is dropped, since an encoder has no use for it.
/// </summary>
public sealed class WhipTransport(IPAddress remoteIp, string remoteAddress, Action<WhipEnd> ended) : IClientTransport
{
    private readonly object _gate = new();
    private readonly List<Message> _replies = new();
    private bool _collecting;
    private int _closed;

    public string RemoteAddress { get; } = remoteAddress;
    public IPAddress RemoteIp { get; } = remoteIp;

    /// <summary>Starts keeping replies (one exchange at a time; the session serialises them).</summary>
    public void BeginExchange()
    {
        lock (_gate)
        {
            _replies.Clear();
            _collecting = true;
        }
    }

    /// <summary>The replies kept since <see cref="BeginExchange"/>, and stops keeping them.</summary>
    public IReadOnlyList<Message> EndExchange()
    {
        lock (_gate)
        {
            _collecting = false;
            var replies = _replies.ToList();
            _replies.Clear();
            return replies;
        }
    }

    public bool Send(Message message)
    {
        if (Volatile.Read(ref _closed) != 0) return false;
        switch (message.Type)
        {
            // The server's side of the stream failed and wants an ICE restart by renegotiation,
            // which WHIP has no way to ask for: the session ends (http.md §12).
            case MessageTypes.Renegotiate:
                End(WhipEnd.TransportFailed);
                return true;
            case MessageTypes.Joined or MessageTypes.Answer or MessageTypes.Abort or MessageTypes.UserMessage:
                lock (_gate)
                    if (_collecting) _replies.Add(message);
                return true;
            default:
                return true;
        }
    }

    /// <summary>Kicked, or the protocol ended the "connection".</summary>
    public void Close(CloseReason reason) => End(WhipEnd.Closed);

    private void End(WhipEnd why)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        // Called from inside the protocol or media code, possibly under a group's lock: the
        // departure runs later, on its own.
        ThreadPool.QueueUserWorkItem(_ => ended(why));
    }
}

/// <summary>Why a WHIP session ended on the server's initiative.</summary>
public enum WhipEnd
{
    Closed,
    TransportFailed,
}
