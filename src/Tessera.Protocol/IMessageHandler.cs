namespace Tessera.Protocol;

/// <summary>Handles one family of message types.</summary>
public interface IMessageHandler
{
    IReadOnlyCollection<string> Types { get; }

    ValueTask HandleAsync(ClientSession session, Message message, CancellationToken cancellationToken);
}

/// <summary>Routes each message to the handler of its family; an unknown type ends the connection.</summary>
public sealed class MessageDispatcher
{
    private readonly Dictionary<string, IMessageHandler> _handlers = new(StringComparer.Ordinal);

    public MessageDispatcher(IEnumerable<IMessageHandler> handlers)
    {
        foreach (var handler in handlers)
            foreach (var type in handler.Types)
                _handlers.Add(type, handler);
    }

    public ValueTask DispatchAsync(ClientSession session, Message message, CancellationToken cancellationToken) =>
        _handlers.TryGetValue(message.Type, out var handler)
            ? handler.HandleAsync(session, message, cancellationToken)
            : throw ConnectionEndingException.Protocol("unexpected message");
}
