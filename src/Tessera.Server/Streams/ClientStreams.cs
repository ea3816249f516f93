namespace Tessera.Server.Streams;

/// <summary>One client's streams: those it publishes and those it receives, by stream id.</summary>
public sealed class ClientStreams
{
    public Dictionary<string, PublishedStream> Up { get; } = new();
    public Dictionary<string, DeliveredStream> Down { get; } = new();

    /// <summary>
    /// Down streams dropped because their publisher replaced them (§12.7): new up id → the old id and
    /// its override, until the replacement is first pushed to this client.
    /// </summary>
    public Dictionary<string, (string OldId, IReadOnlyList<string>? Override)> Replaced { get; } = new();

    public bool IsEmpty => Up.Count == 0 && Down.Count == 0 && Replaced.Count == 0;
}
