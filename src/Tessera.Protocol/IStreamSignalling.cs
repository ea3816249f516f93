using Tessera.Protocol.Groups;

namespace Tessera.Protocol;

/// <summary>
/// The seam between the protocol and a media plane: stream negotiation messages (protocol.md §12)
/// after the protocol's own checks, and the membership events media cares about.
/// </summary>
public interface IStreamSignalling
{
    /// <summary>offer, answer, renegotiate, close, abort, ice and requestStream from a joined client.</summary>
    ValueTask HandleAsync(ClientSession session, Message message, CancellationToken cancellationToken);

    /// <summary>Called under the group's lock when a client has joined: it may receive streams from now on.</summary>
    void MemberJoined(ClientSession session, Group group);

    /// <summary>The client's <c>request</c> map changed.</summary>
    void RequestsChanged(ClientSession session);

    /// <summary>Lost <c>present</c>: its up streams must be closed (protocol.md §8 <c>unpresent</c>).</summary>
    void PublishingRevoked(ClientSession session);

    /// <summary>Called under the group's lock when a member leaves.</summary>
    void MemberLeft(ClientSession session, Group group);
}

/// <summary>
/// Signalling for a server without a media plane: publishing is refused with a clear error,
/// nothing is ever pushed, so clients fall back to chat only.
/// </summary>
public sealed class NoMediaSignalling : IStreamSignalling
{
    public const string Refusal = "this server does not forward media";

    public ValueTask HandleAsync(ClientSession session, Message message, CancellationToken cancellationToken)
    {
        switch (message.Type)
        {
            case MessageTypes.Offer:
                session.Send(new Message { Type = MessageTypes.Abort, Id = message.Id });
                session.SendError(Refusal);
                break;
            case MessageTypes.Answer:
            case MessageTypes.Abort:
                // Answers and aborts can only concern down streams, of which there are none.
                session.Send(new Message { Type = MessageTypes.Close, Id = message.Id });
                break;
            case MessageTypes.RequestStream:
                session.SendError("unknown stream");
                break;
        }
        return ValueTask.CompletedTask;
    }

    public void MemberJoined(ClientSession session, Group group) { }
    public void RequestsChanged(ClientSession session) { }
    public void PublishingRevoked(ClientSession session) { }
    public void MemberLeft(ClientSession session, Group group) { }
}
