namespace Tessera.Media.Transport;

/// <summary>
/// While open, what the opening thread sends through its <see cref="DatagramSender"/> is collected
/// and leaves in one system call when the scope is disposed. Get one from
/// <see cref="DatagramSender.BeginBatch"/> in a <c>using</c>; being a ref struct, it cannot leave
/// the opening method, hence its thread. The default value is a scope that does nothing.
/// </summary>
internal ref struct BatchScope
{
    // Ambient rather than passed along: the sends one datagram causes are made several calls away
    // (forwarders, PeerTransport, IceLiteAgent), whose signatures should not carry the socket's
    // batching, and the same code runs on timer and DTLS threads that must send directly. A
    // thread-static makes "within the scope" mean exactly "on the opening thread until it closes".
    // Only this type sets and clears it.
    [ThreadStatic] private static DatagramSender? t_open;

    private DatagramSender? _sender;
    private readonly DatagramSender? _outer;

    internal BatchScope(DatagramSender sender)
    {
        _sender = sender;
        _outer = t_open;
        t_open = sender;
    }

    /// <summary>Whether the calling thread holds an open scope of <paramref name="sender"/>.</summary>
    internal static bool IsOpenOnThisThread(DatagramSender sender) => ReferenceEquals(t_open, sender);

    /// <summary>Sends what was collected and closes the scope.</summary>
    public void Dispose()
    {
        var sender = _sender;
        if (sender is null)
            return;
        _sender = null;
        t_open = _outer;
        sender.EndBatch();
    }
}
