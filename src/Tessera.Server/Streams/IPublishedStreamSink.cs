namespace Tessera.Server.Streams;

/// <summary>
/// Something besides the members that takes every stream of a group — its recorder. Called under
/// the group's media lock: implementations must not block.
/// </summary>
public interface IPublishedStreamSink
{
    /// <summary>The stream's tracks are known, or changed (after the publish debounce).</summary>
    void Published(PublishedStream stream);

    /// <summary>The stream is gone (closed, replaced, its publisher left or lost <c>present</c>).</summary>
    void Closed(PublishedStream stream);
}
