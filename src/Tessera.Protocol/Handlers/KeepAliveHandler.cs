namespace Tessera.Protocol.Handlers;

/// <summary><c>ping</c> is answered at once, in any state; <c>pong</c> only proves liveness (protocol.md §3.2).</summary>
public sealed class KeepAliveHandler : IMessageHandler
{
    public IReadOnlyCollection<string> Types { get; } = [MessageTypes.Ping, MessageTypes.Pong];

    public ValueTask HandleAsync(ClientSession session, Message message, CancellationToken cancellationToken)
    {
        if (message.Type == MessageTypes.Ping) session.Send(new Message { Type = MessageTypes.Pong });
        return ValueTask.CompletedTask;
    }
}
