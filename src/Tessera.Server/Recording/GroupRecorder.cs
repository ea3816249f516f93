using Tessera.Media.Codecs;
using Tessera.Media.Recording;
using Tessera.Media.Sfu;
using Tessera.Protocol.Groups;
using Tessera.Server.Streams;

namespace Tessera.Server.Recording;

/// <summary>
/// Records one group while its recorder is present: one <see cref="StreamRecorder"/> (one file) per
/// published stream, holding its best video track (the full-quality simulcast encoding first) and
/// its Opus audio. A stream whose set of recordable tracks changes gets a new file.
/// </summary>
/// <remarks>Called under the group's media lock (<see cref="IPublishedStreamSink"/>); it only starts and stops work.</remarks>
public sealed class GroupRecorder : IPublishedStreamSink
{
    private readonly RecorderMember _member;
    private readonly RecordingsDirectory _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<Task> _finishing;
    private readonly Action<string> _warnOperators;
    private readonly Dictionary<PublishedStream, StreamRecorder> _streams = new();
    private readonly HashSet<PublishedStream> _refused = new();
    private readonly object _gate = new();
    private bool _stopped;

    /// <param name="finishing">Told of every file still being finished, so shutdown can wait for it.</param>
    /// <param name="warnOperators">Sends a warning to the group's operators.</param>
    public GroupRecorder(RecorderMember member, RecordingsDirectory directory, TimeProvider time, ILogger logger,
                         Action<Task> finishing, Action<string> warnOperators)
    {
        _member = member;
        _directory = directory;
        _time = time;
        _logger = logger;
        _finishing = finishing;
        _warnOperators = warnOperators;
    }

    public Group Group => _member.Group;

    /// <summary>The recorders of the streams being recorded (a snapshot, for tests and diagnostics).</summary>
    public IReadOnlyList<StreamRecorder> Recorders
    {
        get { lock (_gate) return _streams.Values.ToList(); }
    }

    public void Published(PublishedStream stream)
    {
        lock (_gate)
        {
            if (_stopped)
                return;
            var tracks = stream.Tracks;
            Codec? video = tracks.Where(t => t.Kind == MediaKind.Video).Select(t => t.Codec.Id)
                                 .Where(WebmTrack.CanHold).Cast<Codec?>().FirstOrDefault();
            bool audio = tracks.Any(t => t.Codec.Id == Codec.Opus);
            if (video is null && !audio)
            {
                if (tracks.Count > 0 && _refused.Add(stream))
                    _warnOperators($"Stream {stream.Label} of {stream.Publisher.Username} is not recorded: " +
                                   $"{string.Join(", ", tracks.Select(t => t.Codec.Id.ToString().ToUpperInvariant()).Distinct())} cannot be recorded (VP8, VP9, AV1, H.264 and Opus can)");
                return;
            }
            if (_streams.TryGetValue(stream, out var recorder) && (recorder.VideoCodec != video || recorder.HasAudio != audio))
            {
                _streams.Remove(stream);
                _finishing(recorder.StopAsync()); // a track of a new kind: this file ends, the next one holds both
                recorder = null;
            }
            if (recorder is null)
            {
                var publisher = stream.Publisher.Username;
                var extension = video == Codec.H264 ? ".mkv" : ".webm"; // WebM cannot hold H.264
                recorder = new StreamRecorder(video, audio, () => _directory.CreateFile(Group.Name, publisher, extension), _time,
                                              e => Failed(stream, e));
                _streams[stream] = recorder;
                _finishing(recorder.Completion);
            }
            foreach (var track in tracks)
                recorder.Attach(track, Rank(track));
        }
    }

    public void Closed(PublishedStream stream)
    {
        lock (_gate)
        {
            _refused.Remove(stream);
            if (_streams.Remove(stream, out var recorder))
                _finishing(recorder.StopAsync());
        }
    }

    /// <summary>Stops every file (they finish in the background; see the finishing callback).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            foreach (var recorder in _streams.Values)
                _finishing(recorder.StopAsync());
            _streams.Clear();
        }
    }

    /// <summary>The full-quality encoding first: no RID or "h", then "m", then "l".</summary>
    private static int Rank(IncomingTrack track) => track.Rid switch
    {
        null or "h" or "f" => 2,
        "l" or "q" => 0,
        _ => 1,
    };

    /// <summary>On the writer task: the disk refused (full, unwritable). The group's recording stops, the operators are told.</summary>
    private void Failed(PublishedStream stream, Exception e)
    {
        _logger.LogWarning("Recording of group {Group} stopped: writing the stream {Stream} of {User} failed: {Reason}",
                           Group.Name, stream.Id, stream.Publisher.Username, e.Message);
        _member.Fail("Recording stopped: the server could not write the recording (disk full or not writable); " +
                     "the server's log says more");
    }
}
