using Tessera.Media.Codecs;
using Tessera.Media.Sdp;
using Tessera.Media.Sfu;
using Tessera.Media.Transport;
using Tessera.Protocol;

namespace Tessera.Server.Streams;

/// <summary>
/// One receiver's copy of an up stream (protocol.md §12.3). Never has two offers outstanding: a
/// change while an answer is awaited is remembered and offered once the answer arrives.
/// </summary>
public sealed class DeliveredStream : IDisposable
{
    private readonly Dictionary<IncomingTrack, OutgoingTrack> _carried = new();

    public DeliveredStream(PublishedStream source, ClientSession receiver, ReceiverConnection connection)
    {
        Source = source;
        Receiver = receiver;
        Connection = connection;
    }

    public PublishedStream Source { get; }
    public ClientSession Receiver { get; }
    public ReceiverConnection Connection { get; }
    public string Id => Source.Id;

    /// <summary>The <c>requestStream</c> override, if any; it outranks the label-based request.</summary>
    public IReadOnlyList<string>? Override { get; set; }

    public bool AwaitingAnswer { get; private set; }
    public bool ChangePending { get; private set; }
    private bool _iceRestartPending;
    private bool _offeredOnce;

    public IReadOnlyCollection<IncomingTrack> Carried => _carried.Keys;

    /// <summary>
    /// Brings the carried tracks to <paramref name="wanted"/> and offers when anything changed or an
    /// ICE restart is asked for; returns the offer SDP to send, or null (nothing to say, or deferred).
    /// </summary>
    public string? Update(IReadOnlyList<IncomingTrack> wanted, bool iceRestart = false)
    {
        if (AwaitingAnswer)
        {
            ChangePending = true;
            _iceRestartPending |= iceRestart;
            return null;
        }
        SwitchLayers(wanted);
        bool changed = false;
        foreach (var (source, outgoing) in _carried.Where(p => !wanted.Contains(p.Key)).ToList())
        {
            Connection.RemoveTrack(outgoing);
            _carried.Remove(source);
            changed = true;
        }
        foreach (var track in wanted.Where(t => !_carried.ContainsKey(t)))
        {
            _carried[track] = Connection.AddTrack(track);
            changed = true;
        }
        bool restart = iceRestart || _iceRestartPending;
        if (!changed && !restart && _offeredOnce)
            return null;
        _iceRestartPending = false;
        ChangePending = false;
        AwaitingAnswer = true;
        _offeredOnce = true;
        return Connection.CreateOffer(restart);
    }

    /// <summary>
    /// Another simulcast layer of a section already carried (video ↔ video-low) is a source switch on
    /// the same outgoing track: no renegotiation, and the forwarder waits for the new layer's keyframe.
    /// </summary>
    private void SwitchLayers(IReadOnlyList<IncomingTrack> wanted)
    {
        foreach (var track in wanted.Where(t => !_carried.ContainsKey(t)).ToList())
        {
            var sibling = _carried.Keys.FirstOrDefault(c => !wanted.Contains(c) && c.Rid is not null && track.Rid is not null
                                                             && c.Media.Mid == track.Media.Mid && c.Codec.Id == track.Codec.Id);
            if (sibling is null)
                continue;
            var outgoing = _carried[sibling];
            var forwarder = Connection.Forwarders.FirstOrDefault(f => f.Ssrc == outgoing.Ssrc);
            if (forwarder is null)
                continue; // refused in the last answer: renegotiate instead
            forwarder.SwitchSource(track);
            _carried.Remove(sibling);
            _carried[track] = outgoing;
        }
    }

    /// <summary>
    /// Whether reaching <paramref name="wanted"/> would remove the first section, which tags the BUNDLE
    /// group: browsers then build a new transport the ICE-lite/DTLS server side cannot follow, so such a
    /// change is made with a fresh down stream instead.
    /// </summary>
    public bool WouldDropBundleTag(IReadOnlyList<IncomingTrack> wanted)
    {
        var first = Connection.Tracks.FirstOrDefault(t => t.Active);
        if (first is null)
            return false;
        var source = _carried.FirstOrDefault(p => p.Value.Mid == first.Mid).Key;
        if (source is null || wanted.Contains(source))
            return false;
        // A simulcast sibling will take its place without renegotiation.
        return !wanted.Any(t => !_carried.ContainsKey(t) && t.Rid is not null && source.Rid is not null && t.Media.Mid == source.Media.Mid);
    }

    /// <summary>video-low on a single scalable track: forward its lowest spatial layer only (§12.4).</summary>
    public bool LowestSpatialLayerOnly { get; set; }

    /// <summary>
    /// Tells each forwarder what its layer selector may choose from (§12.6): the simulcast encodings it
    /// may switch between, and the spatial ceiling. Called after every change and answer, since
    /// encodings and forwarders appear over time.
    /// </summary>
    public void ConfigureLayers()
    {
        var tracks = Source.Tracks;
        var forwarders = Connection.Forwarders;
        foreach (var (track, outgoing) in _carried)
        {
            var forwarder = forwarders.FirstOrDefault(f => f.Ssrc == outgoing.Ssrc);
            if (forwarder is null || track.Kind != MediaKind.Video)
                continue;
            forwarder.Encodings = TrackSelection.AdaptiveEncodings(tracks, track);
            forwarder.SpatialCeiling = LowestSpatialLayerOnly ? 0 : null;
        }
    }

    /// <summary>
    /// The server's side failed and an ICE restart cannot bring it back (DTLS is gone): only a fresh
    /// connection can carry the stream again (§12.8).
    /// </summary>
    public bool TransportLost =>
        Connection.Transport.State == PeerTransportState.Closed
        || (Connection.Transport.State == PeerTransportState.Failed && !Connection.Transport.CanRevive);

    /// <summary>Applies the receiver's answer (unless the transport is lost); afterwards a remembered change may be offered.</summary>
    public void Answered(string sdp)
    {
        AwaitingAnswer = false;
        if (TransportLost)
            return; // answers an offer of a connection that is gone: the stream is pushed afresh instead
        Connection.ApplyAnswer(sdp);
        ConfigureLayers();
    }

    public void Dispose() => Connection.Dispose();
}
