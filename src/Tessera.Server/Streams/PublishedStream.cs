using Tessera.Media.Sfu;
using Tessera.Protocol;

namespace Tessera.Server.Streams;

/// <summary>A publisher's stream as the SFU knows it: its id, fixed label, owner and connection.</summary>
public sealed class PublishedStream : IDisposable
{
    private readonly ITimer _debounce;

    /// <param name="pushed">Called once the stream's track list has been quiet for <paramref name="debounce"/>.</param>
    public PublishedStream(string id, string label, ClientSession publisher, PublisherConnection connection,
                    TimeProvider time, TimeSpan debounce, Action<PublishedStream> pushed)
    {
        Id = id;
        Label = label;
        Publisher = publisher;
        Connection = connection;
        Debounce = debounce;
        _debounce = time.CreateTimer(_ => pushed(this), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        connection.TrackAdded += _ => Restart();
    }

    public string Id { get; }
    public string Label { get; }
    public ClientSession Publisher { get; }
    public PublisherConnection Connection { get; }
    public TimeSpan Debounce { get; }
    public bool Disposed { get; private set; }

    public IReadOnlyList<IncomingTrack> Tracks => Connection.Tracks;

    /// <summary>Runs on the multiplexer's receive thread, possibly racing <see cref="Dispose"/>: it must never throw there.</summary>
    private void Restart()
    {
        try
        {
            if (!Disposed)
                _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        Disposed = true;
        _debounce.Dispose();
        Connection.Dispose();
    }
}
