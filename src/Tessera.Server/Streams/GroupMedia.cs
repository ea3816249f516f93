using System.Text.Json.Nodes;
using Tessera.Media.Sfu;
using Tessera.Media.Transport;
using Tessera.Protocol;
using Tessera.Protocol.Groups;

namespace Tessera.Server.Streams;

/// <summary>
/// One group's media (protocol.md §12): answers its publishers' offers, pushes their streams to the
/// members whose requests select at least one track, and keeps every down stream in step with
/// requests, publishers and departures. Its cost grows with the group, never with the server.
/// </summary>
/// <remarks>
/// Locking: the group's <see cref="Group.Gate"/> first, then this object's own lock, in every path
/// (<see cref="Join"/> and <see cref="Leave"/> are called under the group's lock already), so pushes
/// never race a departure. Media threads (debounce timers, transport failures) enter through
/// <see cref="WhileMember"/> and take both in the same order.
/// </remarks>
public sealed class GroupMedia
{
    private readonly Group _group;
    private readonly MediaPlane _plane;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _pushDelay;
    private readonly object _gate = new();
    // Every member of the group (joined through Join), with the streams it publishes and receives.
    private readonly Dictionary<ClientSession, ClientStreams> _clients = new();
    private IPublishedStreamSink? _sink; // the group's recorder, while it records

    public GroupMedia(Group group, MediaPlane plane, TimeProvider time, TimeSpan pushDelay, ILogger logger)
    {
        _group = group;
        _plane = plane;
        _time = time;
        _pushDelay = pushDelay;
        _logger = logger;
    }

    /// <summary>The up streams currently published in this group (a snapshot, for diagnostics and tests).</summary>
    public IReadOnlyList<PublishedStream> PublishedStreams
    {
        get { lock (_gate) return _clients.Values.SelectMany(c => c.Up.Values).ToList(); }
    }

    /// <summary>The down streams currently offered or flowing in this group (a snapshot).</summary>
    public IReadOnlyList<DeliveredStream> DeliveredStreams
    {
        get { lock (_gate) return _clients.Values.SelectMany(c => c.Down.Values).ToList(); }
    }

    /// <summary>Hands every stream, present and future, to <paramref name="sink"/> as well (called under the group's lock).</summary>
    public void AttachSink(IPublishedStreamSink sink)
    {
        lock (_gate)
        {
            _sink = sink;
            foreach (var up in _clients.Values.SelectMany(c => c.Up.Values))
                if (up.Tracks.Count > 0)
                    sink.Published(up);
        }
    }

    public void DetachSink()
    {
        lock (_gate)
            _sink = null;
    }

    /// <summary>A new member (called under the group's lock): it may receive from now on.</summary>
    public void Join(ClientSession session)
    {
        lock (_gate)
            _clients.TryAdd(session, new ClientStreams());
    }

    public void Handle(ClientSession session, Message message)
    {
        WhileMember(session, () =>
        {
            string id = message.Id ?? "";
            switch (message.Type)
            {
                case MessageTypes.Offer: Offer(session, message, id); break;
                case MessageTypes.Answer: Answer(session, message, id); break;
                case MessageTypes.Renegotiate: RenegotiateDown(session, id); break;
                case MessageTypes.Close: CloseUp(session, id); break;
                case MessageTypes.Abort: AbortDown(session, id); break;
                case MessageTypes.RequestStream: RequestStream(session, message, id); break;
                case MessageTypes.Ice:
                    // ICE-lite learns the browser's addresses from its checks: trickled candidates are not needed.
                    break;
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="work"/> while <paramref name="session"/> is a member of its group, under
    /// the group's lock and then ours: the one order every path takes them in.
    /// </summary>
    private void WhileMember(ClientSession session, Action work)
    {
        lock (_group.Gate)
        lock (_gate)
        {
            if (session.Group == _group && _clients.ContainsKey(session)) // not left meanwhile
                work();
        }
    }

    public void RequestsChanged(ClientSession session) => WhileMember(session, () =>
    {
        foreach (var (member, streams) in _clients.ToList())
            if (member != session)
                foreach (var up in streams.Up.Values.ToList())
                    Deliver(session, up);
    });

    public void PublishingRevoked(ClientSession session) => WhileMember(session, () =>
    {
        if (!_clients.TryGetValue(session, out var streams))
            return;
        foreach (var up in streams.Up.Values.ToList())
        {
            CloseUpForEveryone(up, notifyReceivers: true);
            session.Send(new Message { Type = MessageTypes.Abort, Id = up.Id });
            session.SendError("permission denied");
        }
    });

    /// <summary>A member left (called under the group's lock): its streams go, for everyone.</summary>
    public void Leave(ClientSession session)
    {
        lock (_gate)
        {
            if (!_clients.Remove(session, out var streams))
                return;
            foreach (var up in streams.Up.Values)
                CloseUpForEveryone(up, notifyReceivers: true);
            foreach (var down in streams.Down.Values)
                down.Dispose();
        }
    }

    // ---- Publishing (§12.2) ----

    private void Offer(ClientSession session, Message message, string id)
    {
        var streams = StreamsOf(session);
        // Receivers know a stream by its id alone, so an id in use by anyone else in the group is refused.
        if (streams.Down.ContainsKey(id)
            || _clients.Any(c => c.Key != session && c.Value.Up.ContainsKey(id)))
        {
            Refuse(session, id, "adding duplicate connection");
            return;
        }
        try
        {
            string answer;
            if (streams.Up.TryGetValue(id, out var existing))
            {
                answer = existing.Connection.Renegotiate(message.Sdp ?? "");
            }
            else
            {
                var connection = PublisherConnection.Accept(_plane.Multiplexer, _plane.Certificate, message.Sdp ?? "",
                                                           _group.Description.EffectiveCodecs);
                var up = new PublishedStream(id, message.Label ?? "", session, connection, _time, _pushDelay, Push);
                connection.Transport.Closed += t => TransportFailed(up, t);
                streams.Up[id] = up;
                answer = connection.AnswerSdp;
            }
            if (message.Replace is { } replaced && replaced != id && streams.Up.TryGetValue(replaced, out var old))
                Replace(old, id);
            session.Send(new Message { Type = MessageTypes.Answer, Id = id, Sdp = answer });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogInformation("Offer {Id} from {Client} refused: {Reason}", id, session.Id, e.Message);
            Refuse(session, id, e.Message);
        }
    }

    private static void Refuse(ClientSession session, string id, string text)
    {
        session.Send(new Message { Type = MessageTypes.Abort, Id = id });
        session.SendError(text);
    }

    /// <summary>§12.7: the old stream goes without <c>close</c>; its receivers learn of the replacement with its first offer.</summary>
    private void Replace(PublishedStream old, string newId)
    {
        foreach (var (receiver, streams) in _clients)
        {
            if (!streams.Down.Remove(old.Id, out var down))
                continue;
            streams.Replaced[newId] = (old.Id, down.Override);
            down.Dispose();
        }
        _clients[old.Publisher].Up.Remove(old.Id);
        _sink?.Closed(old);
        old.Dispose();
    }

    private void CloseUp(ClientSession session, string id)
    {
        if (_clients.TryGetValue(session, out var streams) && streams.Up.ContainsKey(id))
            CloseUpForEveryone(streams.Up[id], notifyReceivers: true);
    }

    private void CloseUpForEveryone(PublishedStream up, bool notifyReceivers)
    {
        foreach (var (receiver, streams) in _clients)
        {
            if (streams.Down.Remove(up.Id, out var down))
            {
                down.Dispose();
                if (notifyReceivers)
                    receiver.Send(new Message { Type = MessageTypes.Close, Id = up.Id });
            }
            if (streams.Replaced.Remove(up.Id, out var replaced) && notifyReceivers)
                receiver.Send(new Message { Type = MessageTypes.Close, Id = replaced.OldId });
        }
        if (_clients.TryGetValue(up.Publisher, out var own))
            own.Up.Remove(up.Id);
        _sink?.Closed(up);
        up.Dispose();
    }

    /// <summary>The server's side of an up stream failed: the publisher should offer again with an ICE restart (§12.8).</summary>
    private void TransportFailed(PublishedStream up, PeerTransport transport)
    {
        if (up.Disposed || transport.FailureReason is null)
            return;
        _logger.LogInformation("Up stream {Id} failed: {Reason}", up.Id, transport.FailureReason);
        up.Publisher.Send(new Message { Type = MessageTypes.Renegotiate, Id = up.Id });
    }

    // ---- Receiving (§12.3, §12.4) ----

    /// <summary>The debounced push: every other member gets the stream, or its change, if its request selects it.</summary>
    private void Push(PublishedStream up) => WhileMember(up.Publisher, () =>
    {
        if (up.Disposed)
            return;
        foreach (var member in _clients.Keys.ToList())
            if (member != up.Publisher)
                Deliver(member, up);
        _sink?.Published(up);
    });

    /// <summary>Brings one receiver's copy of <paramref name="up"/> in line with what it asked for.</summary>
    private void Deliver(ClientSession receiver, PublishedStream up, bool iceRestart = false)
    {
        var streams = StreamsOf(receiver);
        streams.Down.TryGetValue(up.Id, out var down);
        streams.Replaced.TryGetValue(up.Id, out var replaced);
        var words = down?.Override ?? replaced.Override ?? TrackSelection.WordsFor(receiver.Requests, up.Label);
        var wanted = TrackSelection.Select(up.Tracks, words);
        if (up.Tracks.Count > 0)
            streams.Replaced.Remove(up.Id);
        if (wanted.Count == 0)
        {
            if (down is not null)
                CloseDown(receiver, streams, down);
            else if (replaced.OldId is not null && up.Tracks.Count > 0)
                receiver.Send(new Message { Type = MessageTypes.Close, Id = replaced.OldId });
            return;
        }
        IReadOnlyList<string>? kept = null;
        // A connection that no ICE restart can revive (§12.8), or a change the browser could only make
        // with a new transport, is made with a fresh down stream: close, then a new offer.
        if (down is not null && !down.AwaitingAnswer && (down.TransportLost || down.WouldDropBundleTag(wanted)))
        {
            kept = down.Override; // the override stays with the stream across its fresh copy
            CloseDown(receiver, streams, down);
            down = null;
        }
        bool fresh = down is null;
        if (down is null)
        {
            down = new DeliveredStream(up, receiver, new ReceiverConnection(_plane.Multiplexer, _plane.Certificate, up.Id, _time))
            {
                Override = kept,
            };
            var created = down;
            created.Connection.Transport.Closed += t => DownFailed(receiver, created, t);
            streams.Down[up.Id] = down;
        }
        down.LowestSpatialLayerOnly = TrackSelection.LowestSpatialLayerOnly(up.Tracks, words);
        string? sdp;
        try
        {
            sdp = down.Update(wanted, iceRestart);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning("Cannot offer {Id} to {Client}: {Reason}", up.Id, receiver.Id, e.Message);
            CloseDown(receiver, streams, down);
            return;
        }
        down.ConfigureLayers();
        if (sdp is null)
            return;
        receiver.Send(new Message
        {
            Type = MessageTypes.Offer,
            Id = up.Id,
            Label = up.Label,
            Replace = fresh ? replaced.OldId : null,
            Source = up.Publisher.Id,
            Username = up.Publisher.Username,
            Sdp = sdp,
        });
    }

    private static void CloseDown(ClientSession receiver, ClientStreams streams, DeliveredStream down)
    {
        streams.Down.Remove(down.Id);
        down.Dispose();
        receiver.Send(new Message { Type = MessageTypes.Close, Id = down.Id });
    }

    private void Answer(ClientSession session, Message message, string id)
    {
        var streams = StreamsOf(session);
        if (!streams.Down.TryGetValue(id, out var down))
        {
            session.Send(new Message { Type = MessageTypes.Close, Id = id });
            return;
        }
        try
        {
            down.Answered(message.Sdp ?? "");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CloseDown(session, streams, down);
            session.SendError(e.Message);
            return;
        }
        if (down.ChangePending || down.TransportLost)
            Deliver(session, down.Source);
    }

    /// <summary>
    /// §12.8: the server's side of a down stream failed (ICE consent expired, DTLS closed): offer it
    /// again with an ICE restart, or afresh if the transport is beyond reviving. An offer already
    /// outstanding is answered first (the restart is remembered until then).
    /// </summary>
    private void DownFailed(ClientSession receiver, DeliveredStream down, PeerTransport transport)
    {
        if (transport.FailureReason is null)
            return; // closed by us
        WhileMember(receiver, () =>
        {
            if (!_clients.TryGetValue(receiver, out var streams)
                || !streams.Down.TryGetValue(down.Id, out var current) || current != down)
                return;
            _logger.LogInformation("Down stream {Id} to {Client} failed: {Reason}", down.Id, receiver.Id, transport.FailureReason);
            Deliver(receiver, down.Source, iceRestart: true);
        });
    }

    private void RenegotiateDown(ClientSession session, string id)
    {
        if (_clients.TryGetValue(session, out var streams) && streams.Down.TryGetValue(id, out var down))
            Deliver(session, down.Source, iceRestart: true);
    }

    private void AbortDown(ClientSession session, string id)
    {
        if (_clients.TryGetValue(session, out var streams) && streams.Down.Remove(id, out var down))
            down.Dispose();
        session.Send(new Message { Type = MessageTypes.Close, Id = id });
    }

    private void RequestStream(ClientSession session, Message message, string id)
    {
        var streams = StreamsOf(session);
        if (!streams.Down.TryGetValue(id, out var down))
        {
            session.SendError("unknown stream");
            return;
        }
        if (message.Request is JsonArray words)
        {
            if (words.Count == 0)
            {
                CloseDown(session, streams, down);
                return;
            }
            down.Override = words.Select(w => w!.GetValue<string>()).ToList();
        }
        else
        {
            down.Override = null;
        }
        Deliver(session, down.Source);
    }

    // ---- Bookkeeping ----

    /// <summary>A member's streams; only called inside <see cref="WhileMember"/>, so the member is known.</summary>
    private ClientStreams StreamsOf(ClientSession session) => _clients[session];
}
