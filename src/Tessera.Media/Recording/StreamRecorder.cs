using System.Buffers;
using System.Threading.Channels;
using Tessera.Media.Codecs;
using Tessera.Media.Sfu;

namespace Tessera.Media.Recording;

/// <summary>
/// Records one published stream into one file (WebM, or Matroska for H.264): one video and one audio track at most. Its
/// <see cref="TrackRecorder"/>s sit on the stream's incoming tracks and hand over whole frames on the
/// receive thread; a writer task drains a bounded queue to the file, so a slow disk never holds up
/// forwarding — past the bound frames are dropped and counted, and video waits for a keyframe.
/// </summary>
/// <remarks>
/// Per kind, one track is recorded at a time: the highest-ranked one that flows (the full-quality
/// simulcast encoding), moving to another only at a keyframe — when a better one appears or the
/// current one has been silent for <see cref="SilenceBeforeSwitch"/>. The file is created when the
/// first frame that can start it arrives (a video keyframe, which gives the picture size).
/// </remarks>
public sealed class StreamRecorder : IAsyncDisposable
{
    /// <summary>A recorded track silent this long gives way to another track of its kind.</summary>
    public static readonly TimeSpan SilenceBeforeSwitch = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The least time between two pictures in a file (100 per second; WebRTC sends at most 60).
    /// The file's DefaultDuration is its shortest picture interval, and tools that assume a constant
    /// rate take theirs from it, so a burst of pictures captured a millisecond apart would give the
    /// whole file a nominal 1,000 per second; such pictures are spaced out by a few milliseconds instead.
    /// </summary>
    public const int MinimumPictureSpacingMilliseconds = 10;
    /// <summary>Audio recorded this long without a video keyframe starts the file without knowing the picture size.</summary>
    public const int AudioBeforeVideo = 5_000;
    /// <summary>Bytes queued for the disk, per recording, before frames are dropped.</summary>
    public const long MaxQueuedBytes = 8 << 20;
    /// <summary>Frames queued for the disk, per recording, before frames are dropped.</summary>
    public const int MaxQueuedFrames = 2048;

    private readonly object _gate = new();
    private readonly Func<Stream> _openFile;
    private readonly Action<Exception>? _failed;
    private readonly DateTimeOffset _epoch;
    /// <summary>How often the writer task wakes to drain the queue.</summary>
    public static readonly TimeSpan DrainInterval = TimeSpan.FromMilliseconds(100);

    // Frames are rented on the receive thread and returned on the writer's: the shared pool's
    // per-thread caches would miss every time and allocate. A pool of the recorder's own keeps the
    // steady state free of garbage (and so of collections that would pause forwarding).
    private readonly ArrayPool<byte> _buffers = ArrayPool<byte>.Create(maxArrayLength: 1 << 20, maxArraysPerBucket: 256);
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<QueuedFrame> _queue = Channel.CreateUnbounded<QueuedFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<TrackRecorder> _sources = [];
    private readonly KindState _video = new(MinimumPictureSpacingMilliseconds);
    private readonly KindState _audio = new(1);
    private readonly Task _writing;
    private long _queuedBytes;
    private int _queuedFrames;
    private bool _stopped;
    private volatile bool _failedAlready;

    /// <param name="video">The video codec to record, or null for none.</param>
    /// <param name="audio">Whether Opus audio is recorded.</param>
    /// <param name="openFile">Creates the file, on the writer task, when the first frame arrives.</param>
    /// <param name="failed">Called once, on the writer task, when the file cannot be written (the recording then stops).</param>
    public StreamRecorder(Codec? video, bool audio, Func<Stream> openFile, TimeProvider time, Action<Exception>? failed = null)
    {
        if (video is null && !audio)
            throw new ArgumentException("nothing to record");
        if (video is { } v && (!WebmTrack.CanHold(v) || v == Codec.Opus))
            throw new NotSupportedException($"{v} video cannot be recorded");
        VideoCodec = video;
        HasAudio = audio;
        _openFile = openFile;
        _failed = failed;
        _epoch = time.GetUtcNow();
        _writing = Task.Run(WriteAsync);
    }

    public Codec? VideoCodec { get; }
    public bool HasAudio { get; }

    /// <summary>Frames written to the file.</summary>
    public long FramesWritten => Interlocked.Read(ref _framesWritten);
    private long _framesWritten;
    /// <summary>Frames dropped because the disk fell behind (the queue was full).</summary>
    public long FramesDropped => Interlocked.Read(ref _framesDropped);
    private long _framesDropped;
    /// <summary>Video frames not written because they depended on a dropped one (until the next keyframe).</summary>
    public long FramesSkipped => Interlocked.Read(ref _framesSkipped);
    private long _framesSkipped;
    /// <summary>Bytes written to the file.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);
    private long _bytesWritten;
    /// <summary>Whether the file was created (a recording that never saw a frame leaves none).</summary>
    public bool FileCreated { get; private set; }

    /// <summary>Completes when the file is finished and closed, or has failed.</summary>
    public Task Completion => _writing;

    /// <summary>
    /// Records <paramref name="track"/> if it is of a kind and codec this file holds (false otherwise);
    /// <paramref name="rank"/> orders tracks of the same kind (higher is preferred).
    /// </summary>
    public bool Attach(IncomingTrack track, int rank = 0)
    {
        bool fits = track.Kind == MediaKind.Video ? track.Codec.Id == VideoCodec : HasAudio && track.Codec.Id == Codec.Opus;
        if (!fits)
            return false;
        TrackRecorder recorder;
        lock (_gate)
        {
            if (_stopped || _sources.Any(s => s.Track == track))
                return _sources.Any(s => s.Track == track);
            recorder = new TrackRecorder(this, track, rank);
            _sources.Add(recorder);
        }
        track.AddProcessor(recorder);
        if (track.Kind == MediaKind.Video)
            track.RequestKeyframe(); // the file starts at a keyframe: do not wait for the next one
        return true;
    }

    /// <summary>Stops recording: the tracks are let go, what is queued is written and the file is finished.</summary>
    public Task StopAsync()
    {
        TrackRecorder[] sources;
        lock (_gate)
        {
            _stopped = true;
            sources = [.. _sources];
            _sources.Clear();
        }
        foreach (var source in sources)
            source.Track.RemoveProcessor(source);
        _queue.Writer.TryComplete();
        _stopping.TrySetResult();
        return _writing;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>A track completed a decodable frame (receive thread).</summary>
    internal void OnFrame(TrackRecorder source, DateTimeOffset arrival)
    {
        lock (_gate)
        {
            if (_stopped || _failedAlready)
                return;
            var state = source.Kind == MediaKind.Video ? _video : _audio;
            var assembler = source.Assembler;
            long timestamp = source.FrameTimestamp();
            if (state.Current != source)
            {
                var current = state.Current;
                bool worthSwitching = current is null || source.Rank > current.Rank
                                      || arrival - current.LastArrival >= SilenceBeforeSwitch;
                if (!worthSwitching)
                    return;
                if (!assembler.FrameIsKeyframe)
                {
                    source.RequestKeyframe();
                    return;
                }
                state.Current = source;
                long now = (long)(arrival - _epoch).TotalMilliseconds;
                source.Anchor(timestamp, Math.Max(now, state.LastWritten + state.Spacing));
                state.Broken = false;
            }
            if (state.Broken)
            {
                if (!assembler.FrameIsKeyframe)
                {
                    Interlocked.Increment(ref _framesSkipped);
                    source.RequestKeyframe();
                    return;
                }
                state.Broken = false;
            }
            // Strictly increasing per kind: a file's frames of one track never share a timestamp.
            long time = Math.Max(source.MillisecondsOf(timestamp), state.LastWritten + state.Spacing);
            if (!Enqueue(source.Kind, time, assembler.FrameIsKeyframe, assembler.Frame))
            {
                Interlocked.Increment(ref _framesDropped);
                if (source.Kind == MediaKind.Video)
                {
                    state.Broken = true; // what follows depends on the dropped frame
                    source.RequestKeyframe();
                }
                return;
            }
            state.LastWritten = time;
        }
    }

    private bool Enqueue(MediaKind kind, long time, bool keyframe, ReadOnlySpan<byte> frame)
    {
        if (Volatile.Read(ref _queuedFrames) >= MaxQueuedFrames || Interlocked.Read(ref _queuedBytes) + frame.Length > MaxQueuedBytes)
            return false;
        var buffer = _buffers.Rent(frame.Length);
        frame.CopyTo(buffer);
        Interlocked.Add(ref _queuedBytes, frame.Length);
        Interlocked.Increment(ref _queuedFrames);
        if (_queue.Writer.TryWrite(new QueuedFrame(kind, time, keyframe, buffer, frame.Length)))
            return true;
        Release(buffer, frame.Length);
        return false;
    }

    private void Release(byte[] buffer, int length)
    {
        Interlocked.Add(ref _queuedBytes, -length);
        Interlocked.Decrement(ref _queuedFrames);
        _buffers.Return(buffer);
    }

    /// <summary>The writer task: creates the file at the first frame that can start it, writes, finishes.</summary>
    private async Task WriteAsync()
    {
        WebmWriter? writer = null;
        Stream? file = null;
        long origin = 0;
        long? firstAudio = null;
        try
        {
            // The queue is drained a few times a second rather than at every frame: waking a thread per
            // frame cost more than writing it (context switches on the busy server). This paces the
            // disk, not the media, so it runs on real time.
            using var tick = new PeriodicTimer(DrainInterval);
            while (true)
            {
                bool stopping = _queue.Reader.Completion.IsCompleted || _stopping.Task.IsCompleted;
                if (!_queue.Reader.TryRead(out var frame))
                {
                    if (stopping)
                        break;
                    await Task.WhenAny(tick.WaitForNextTickAsync().AsTask(), _stopping.Task);
                    continue;
                }
                try
                {
                    if (_failedAlready)
                        continue;
                    if (writer is null)
                    {
                        bool videoKey = frame.Kind == MediaKind.Video && frame.Keyframe;
                        if (frame.Kind == MediaKind.Audio)
                            firstAudio ??= frame.Time;
                        bool start = VideoCodec is null || videoKey
                                     || (frame.Kind == MediaKind.Audio && VideoCodec != Codec.H264
                                         && frame.Time - firstAudio >= AudioBeforeVideo);
                        if (!start)
                            continue;
                        var size = videoKey ? PictureSize.Of(VideoCodec!.Value, frame.Bytes) : null;
                        // AV1's track carries the sequence header of the keyframe that starts the file. A file
                        // started by audio has none there: decoders then take it from the first keyframe.
                        // H.264's must (Matroska has no in-band form of avcC): its keyframes all carry their
                        // parameter sets, and an H.264 file is never started by audio alone.
                        var codecPrivate = !videoKey ? null : VideoCodec switch
                        {
                            Codec.Av1 => Av1SequenceHeader.ConfigurationRecord(frame.Bytes),
                            Codec.H264 => H264ParameterSets.ConfigurationRecord(frame.Bytes),
                            _ => null,
                        };
                        file = _openFile();
                        FileCreated = true;
                        writer = new WebmWriter(file, Tracks(size, codecPrivate));
                        origin = Math.Min(frame.Time, firstAudio ?? frame.Time);
                    }
                    writer.WriteFrame(TrackNumber(frame.Kind), frame.Time - origin, frame.Keyframe, frame.Bytes);
                    Interlocked.Increment(ref _framesWritten);
                    Interlocked.Exchange(ref _bytesWritten, writer.BytesWritten);
                }
                finally
                {
                    Release(frame.Buffer, frame.Length);
                }
            }
            writer?.Finish();
            if (writer is not null)
                Interlocked.Exchange(ref _bytesWritten, writer.BytesWritten);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Fail(e);
        }
        finally
        {
            writer?.Dispose();
            try
            {
                file?.Dispose();
            }
            catch (IOException e) // the final flush on a full disk
            {
                Fail(e);
            }
        }
    }

    private void Fail(Exception e)
    {
        if (_failedAlready)
            return;
        _failedAlready = true;
        lock (_gate)
            _stopped = true;
        _queue.Writer.TryComplete();
        // Drain what is still queued, so its buffers go back to the pool.
        while (_queue.Reader.TryRead(out var left))
            Release(left.Buffer, left.Length);
        _failed?.Invoke(e);
    }

    private int TrackNumber(MediaKind kind) => kind == MediaKind.Video || VideoCodec is null ? 1 : 2;

    private List<WebmTrack> Tracks((int Width, int Height)? size, byte[]? codecPrivate)
    {
        var tracks = new List<WebmTrack>();
        if (VideoCodec is { } video)
            tracks.Add(new WebmTrack(1, video, size?.Width ?? 0, size?.Height ?? 0, codecPrivate));
        if (HasAudio)
            tracks.Add(new WebmTrack(tracks.Count + 1, Codec.Opus));
        return tracks;
    }

    /// <param name="spacing">The least time between two of this kind's frames in the file, in milliseconds.</param>
    private sealed class KindState(int spacing)
    {
        public readonly int Spacing = spacing;
        public TrackRecorder? Current;
        public long LastWritten;
        public bool Broken;
    }

    private readonly record struct QueuedFrame(MediaKind Kind, long Time, bool Keyframe, byte[] Buffer, int Length)
    {
        public ReadOnlySpan<byte> Bytes => Buffer.AsSpan(0, Length);
    }
}
