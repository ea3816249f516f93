using Tessera.Media.Codecs;
using Tessera.Media.Processing;
using Tessera.Media.Sfu;

namespace Tessera.Media.Recording;

/// <summary>
/// The recording sink on one incoming track's chain: rebuilds frames on the receive thread and
/// hands each to its <see cref="StreamRecorder"/>, which decides whether this track is the one being
/// recorded for its kind and queues the frame for the disk. Never blocks, never touches the disk.
/// </summary>
public sealed class TrackRecorder : IReceiveProcessor
{
    private readonly StreamRecorder _owner;
    private readonly int _clockRate;
    private long _unwrapped;
    private uint _lastTimestamp;
    private bool _haveTimestamp;
    private long _anchorMilliseconds;
    private long _anchorTimestamp;

    internal TrackRecorder(StreamRecorder owner, IncomingTrack track, int rank)
    {
        _owner = owner;
        Track = track;
        Rank = rank;
        Assembler = FrameAssembler.For(track.Codec.Id);
        _clockRate = Math.Max(1, track.Codec.Codec.ClockRate);
    }

    public IncomingTrack Track { get; }
    public MediaKind Kind => Track.Kind;

    /// <summary>Preference among tracks of the same kind: the full-quality simulcast encoding ranks highest.</summary>
    public int Rank { get; }

    internal FrameAssembler Assembler { get; }

    /// <summary>When this track's latest packet arrived, to tell a track that stopped from one that flows.</summary>
    internal DateTimeOffset LastArrival { get; private set; } = DateTimeOffset.MinValue;

    public void OnReceived(in ReceivedPacket packet)
    {
        LastArrival = packet.Arrival;
        if (Assembler.Add(packet))
            _owner.OnFrame(this, packet.Arrival);
    }

    /// <summary>The completed frame's RTP timestamp, extended past 32-bit wrap-arounds.</summary>
    internal long FrameTimestamp()
    {
        uint ts = Assembler.FrameTimestamp;
        if (!_haveTimestamp)
        {
            _haveTimestamp = true;
            _unwrapped = ts;
        }
        else
        {
            _unwrapped += (int)(ts - _lastTimestamp);
        }
        _lastTimestamp = ts;
        return _unwrapped;
    }

    /// <summary>Starts this track's timeline: the frame at <paramref name="timestamp"/> is written at <paramref name="milliseconds"/>.</summary>
    internal void Anchor(long timestamp, long milliseconds)
    {
        _anchorTimestamp = timestamp;
        _anchorMilliseconds = milliseconds;
    }

    internal long MillisecondsOf(long timestamp) => _anchorMilliseconds + (timestamp - _anchorTimestamp) * 1000 / _clockRate;

    internal void RequestKeyframe() => Track.RequestKeyframe();
}
