using Tessera.Groups.Protocol;
using Tessera.Media.Sdp;
using Tessera.Media.Sfu;

namespace Tessera.Server.Media;

/// <summary>
/// One receiver's copy of an up stream (protocol.md §12.3). Never has two offers outstanding: a
/// change while an answer is awaited is remembered and offered once the answer arrives.
/// </summary>
public sealed class DownStream : IDisposable
{
    private readonly Dictionary<IncomingTrack, OutgoingTrack> _carried = new();

    public DownStream(UpStream source, ClientSession receiver, DownstreamConnection connection)
    {
        Source = source;
        Receiver = receiver;
        Connection = connection;
    }

    public UpStream Source { get; }
    public ClientSession Receiver { get; }
    public DownstreamConnection Connection { get; }
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

    /// <summary>Applies the receiver's answer; afterwards a remembered change may be offered.</summary>
    public void Answered(string sdp)
    {
        AwaitingAnswer = false;
        Connection.ApplyAnswer(sdp);
    }

    public void Dispose() => Connection.Dispose();
}
