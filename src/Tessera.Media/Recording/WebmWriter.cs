using System.Buffers.Binary;

namespace Tessera.Media.Recording;

/// <summary>
/// Writes one WebM file (RFC 9559, WebM's subset): the EBML header, a segment with its seek head,
/// info and tracks, then clusters of SimpleBlocks, and on <see cref="Finish"/> the cues, the
/// duration and the segment size. Each cluster is written whole when the next starts, so a file cut
/// short (a killed process) is still readable up to its last cluster; the segment's size stays
/// "unknown" until <see cref="Finish"/> patches it. Timestamps are in milliseconds.
/// </summary>
/// <remarks>Not thread-safe: one writer per file, on the thread that drains the file's queue.</remarks>
public sealed class WebmWriter : IDisposable
{
    /// <summary>A cluster is cut without a keyframe past this span (block timestamps are 16-bit, in ms).</summary>
    public const int MaxClusterMilliseconds = 10_000;
    /// <summary>...or past this many bytes, so a cluster held in memory stays small.</summary>
    public const int MaxClusterBytes = 4 << 20;
    /// <summary>An audio-only file gets a cluster, and a cue, this often.</summary>
    public const int AudioClusterMilliseconds = 2_000;

    private const int SeekHeadRoom = 96; // the seek head plus a Void filler, rewritten at the end
    private const long UnknownSize = 0x00FFFFFFFFFFFFFF; // all ones in an 8-byte size: "unknown"
    private const int DefaultDurationLength = 12; // 3-byte ID, 1-byte size, 8-byte value

    private readonly Stream _stream;
    private readonly IReadOnlyList<WebmTrack> _tracks;
    private readonly bool _hasVideo;
    private readonly long _fileStart;
    // Offsets from the start of the file:
    private readonly long _segmentSizeOffset;
    private readonly long _segmentDataStart;
    private readonly long _durationOffset;
    // Positions from the start of the segment's data, as the seek head and cues count them:
    private readonly long _infoPosition;
    private readonly long _tracksPosition;
    private readonly EbmlBuffer _cluster = new(64 * 1024);
    private readonly List<(long Time, long Position, int Track)> _cues = [];
    private long _clusterTime = -1;
    // Where the video track's DefaultDuration goes (-1: no video), and the shortest interval between its pictures.
    private readonly long _defaultDurationOffset;
    private long _lastVideoTime = -1;
    private long _shortestVideoInterval = long.MaxValue;
    private long _lastTime;
    private bool _finished;

    public WebmWriter(Stream stream, IReadOnlyList<WebmTrack> tracks, string writingApp = "Tessera")
    {
        if (tracks.Count == 0)
            throw new ArgumentException("a file needs at least one track", nameof(tracks));
        _stream = stream;
        _tracks = tracks;
        _hasVideo = tracks.Any(t => t.Kind == Codecs.MediaKind.Video);

        _fileStart = stream.CanSeek ? stream.Position : 0;

        var head = new EbmlBuffer();
        head.Master(MatroskaIds.Ebml, e =>
        {
            e.UInt(MatroskaIds.EbmlVersion, 1);
            e.UInt(MatroskaIds.EbmlReadVersion, 1);
            e.UInt(MatroskaIds.EbmlMaxIdLength, 4);
            e.UInt(MatroskaIds.EbmlMaxSizeLength, 8);
            e.String(MatroskaIds.DocType, tracks.All(t => t.FitsWebm) ? "webm" : "matroska");
            e.UInt(MatroskaIds.DocTypeVersion, 4);
            e.UInt(MatroskaIds.DocTypeReadVersion, 2);
        });
        head.Id(MatroskaIds.Segment);
        _segmentSizeOffset = head.Length;
        head.Size(UnknownSize, 8);
        _segmentDataStart = head.Length;

        head.Reserve(SeekHeadRoom); // the seek head, written below once Info and Tracks have positions
        _infoPosition = head.Length - _segmentDataStart;
        var info = new EbmlBuffer();
        info.UInt(MatroskaIds.TimestampScale, 1_000_000);
        info.String(MatroskaIds.MuxingApp, writingApp);
        info.String(MatroskaIds.WritingApp, writingApp);
        info.Float(MatroskaIds.Duration, 0); // last, so its 8 bytes end the element and can be patched
        head.Master(MatroskaIds.Info, info);
        _durationOffset = head.Length - 8;
        _tracksPosition = head.Length - _segmentDataStart;
        var entries = new EbmlBuffer();
        long placeholderInEntries = -1;
        foreach (var track in tracks)
        {
            var entry = new EbmlBuffer();
            WriteTrackEntry(entry, track);
            if (track.Kind == Codecs.MediaKind.Video && placeholderInEntries < 0)
            {
                placeholderInEntries = entries.Length + 1 + EbmlBuffer.SizeWidth(entry.Length + DefaultDurationLength) + entry.Length;
                entry.Void(DefaultDurationLength); // becomes DefaultDuration at the end
            }
            entries.Master(MatroskaIds.TrackEntry, entry);
        }
        long entriesStart = head.Length + 4 + EbmlBuffer.SizeWidth(entries.Length);
        head.Master(MatroskaIds.Tracks, entries);
        _defaultDurationOffset = placeholderInEntries < 0 ? -1 : entriesStart + placeholderInEntries;
        var bytes = head.Written.ToArray();
        SeekHead(cuesPosition: null).CopyTo(bytes.AsSpan((int)_segmentDataStart));
        stream.Write(bytes);
        BytesWritten = bytes.Length;
    }

    /// <summary>Bytes handed to the stream so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>The latest block timestamp written, in milliseconds.</summary>
    public long Duration => _lastTime;

    private static void WriteTrackEntry(EbmlBuffer e, WebmTrack track)
    {
        e.UInt(MatroskaIds.TrackNumber, (ulong)track.Number);
        e.UInt(MatroskaIds.TrackUid, (ulong)track.Number);
        e.UInt(MatroskaIds.TrackType, track.Kind == Codecs.MediaKind.Video ? 1UL : 2UL);
        e.UInt(MatroskaIds.FlagLacing, 0);
        e.String(MatroskaIds.CodecId, track.CodecId);
        if (track.Kind == Codecs.MediaKind.Audio)
        {
            e.Binary(MatroskaIds.CodecPrivate, OpusHead());
            e.UInt(MatroskaIds.SeekPreRoll, 80_000_000); // ns: Opus needs 80 ms of decoding before a seek point
            e.Master(MatroskaIds.Audio, a =>
            {
                a.Float(MatroskaIds.SamplingFrequency, 48_000);
                a.UInt(MatroskaIds.Channels, 2);
            });
        }
        else
        {
            if (track.CodecPrivate is { } codecPrivate)
                e.Binary(MatroskaIds.CodecPrivate, codecPrivate);
            e.Master(MatroskaIds.Video, v =>
            {
                v.UInt(MatroskaIds.PixelWidth, (ulong)Math.Max(1, track.Width));
                v.UInt(MatroskaIds.PixelHeight, (ulong)Math.Max(1, track.Height));
            });
        }
    }

    /// <summary>The Opus identification header (RFC 7845 §5.1) for WebRTC's stereo 48 kHz Opus.</summary>
    private static byte[] OpusHead()
    {
        var head = new byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1; // version
        head[9] = 2; // channels
        // pre-skip 0: RTP Opus carries no encoder delay information
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), 48_000);
        // output gain 0, mapping family 0
        return head;
    }

    /// <summary>The seek head and a Void filler: exactly <see cref="SeekHeadRoom"/> bytes.</summary>
    private ReadOnlySpan<byte> SeekHead(long? cuesPosition)
    {
        var seekHead = new EbmlBuffer();
        seekHead.Master(MatroskaIds.SeekHead, s =>
        {
            SeekEntry(s, MatroskaIds.Info, _infoPosition);
            SeekEntry(s, MatroskaIds.Tracks, _tracksPosition);
            if (cuesPosition is { } cues)
                SeekEntry(s, MatroskaIds.Cues, cues);
        });
        seekHead.Void(SeekHeadRoom - seekHead.Length);
        return seekHead.Written;
    }

    private static void SeekEntry(EbmlBuffer s, uint id, long position) => s.Master(MatroskaIds.Seek, e =>
    {
        var idBytes = new EbmlBuffer(4);
        idBytes.Id(id);
        e.Binary(MatroskaIds.SeekId, idBytes.Written);
        e.UInt(MatroskaIds.SeekPosition, (ulong)position);
    });

    /// <summary>
    /// Appends one frame. A video keyframe starts a new cluster (with a cue); so does a long or large
    /// cluster. Timestamps earlier than the cluster's start are written as they are (blocks carry a
    /// signed offset); a timestamp never goes below 0.
    /// </summary>
    public void WriteFrame(int trackNumber, long time, bool keyframe, ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        time = Math.Max(0, time);
        var track = _tracks[trackNumber - 1];
        bool video = track.Kind == Codecs.MediaKind.Video;
        bool cueHere = video ? keyframe : !_hasVideo;
        bool startCluster = _clusterTime < 0
            || (video && keyframe)
            || time - _clusterTime >= MaxClusterMilliseconds
            || (!_hasVideo && time - _clusterTime >= AudioClusterMilliseconds)
            || _cluster.Length >= MaxClusterBytes;
        if (startCluster)
        {
            FlushCluster();
            _clusterTime = time;
            _cluster.UInt(MatroskaIds.Timestamp, (ulong)time);
            if (cueHere)
                _cues.Add((time, BytesWritten - _segmentDataStart, trackNumber));
        }
        long relative = Math.Clamp(time - _clusterTime, short.MinValue, short.MaxValue);
        _cluster.Id(MatroskaIds.SimpleBlock);
        _cluster.Size(4 + frame.Length);
        var header = _cluster.Reserve(4);
        header[0] = (byte)(0x80 | trackNumber); // track number as a 1-byte vint (tracks 1–127)
        BinaryPrimitives.WriteInt16BigEndian(header.Slice(1), (short)relative);
        header[3] = keyframe ? (byte)0x80 : (byte)0;
        _cluster.Raw(frame);
        _lastTime = Math.Max(_lastTime, time);
        if (video)
        {
            if (_lastVideoTime >= 0 && time > _lastVideoTime)
                _shortestVideoInterval = Math.Min(_shortestVideoInterval, time - _lastVideoTime);
            _lastVideoTime = time;
        }
    }

    /// <summary>Writes the cluster being built, whole, and hands it to the operating system.</summary>
    private void FlushCluster()
    {
        if (_cluster.Length == 0)
            return;
        var header = new EbmlBuffer(16);
        header.Id(MatroskaIds.Cluster);
        header.Size(_cluster.Length);
        _stream.Write(header.Written);
        _stream.Write(_cluster.Written);
        BytesWritten += header.Length + _cluster.Length;
        _cluster.Clear();
        _stream.Flush();
    }

    /// <summary>Ends the file: the last cluster, the cues, then the duration, seek head and segment size in place.</summary>
    public void Finish()
    {
        if (_finished)
            return;
        FlushCluster();
        _finished = true;
        long cuesPosition = BytesWritten - _segmentDataStart;
        if (_cues.Count > 0)
        {
            var cues = new EbmlBuffer();
            cues.Master(MatroskaIds.Cues, c =>
            {
                foreach (var (time, position, track) in _cues)
                    c.Master(MatroskaIds.CuePoint, p =>
                    {
                        p.UInt(MatroskaIds.CueTime, (ulong)time);
                        p.Master(MatroskaIds.CueTrackPositions, t =>
                        {
                            t.UInt(MatroskaIds.CueTrack, (ulong)track);
                            t.UInt(MatroskaIds.CueClusterPosition, (ulong)position);
                        });
                    });
            });
            _stream.Write(cues.Written);
            BytesWritten += cues.Length;
        }
        if (_stream.CanSeek)
        {
            long end = _stream.Position;
            Span<byte> patch = stackalloc byte[8];
            EbmlBuffer.WriteSize(patch, BytesWritten - _segmentDataStart, 8);
            WriteAt(_segmentSizeOffset, patch);
            BinaryPrimitives.WriteDoubleBigEndian(patch, _lastTime);
            WriteAt(_durationOffset, patch);
            WriteAt(_segmentDataStart, SeekHead(_cues.Count > 0 ? cuesPosition : null));
            if (_defaultDurationOffset >= 0 && _shortestVideoInterval is > 1 and <= 200)
            {
                // WebRTC video has no fixed frame rate. Tools that assume one (ffmpeg's frame-rate guess,
                // then its output clock) take it from DefaultDuration: the shortest interval between
                // pictures keeps any two pictures from falling into one tick of that clock.
                var element = new EbmlBuffer(DefaultDurationLength);
                element.Id(MatroskaIds.DefaultDuration);
                element.Size(8);
                BinaryPrimitives.WriteUInt64BigEndian(element.Reserve(8), (ulong)_shortestVideoInterval * 1_000_000);
                WriteAt(_defaultDurationOffset, element.Written);
            }
            _stream.Position = end;
        }
        _stream.Flush();
    }

    /// <summary>Overwrites bytes at <paramref name="offset"/> from the start of the file.</summary>
    private void WriteAt(long offset, ReadOnlySpan<byte> bytes)
    {
        _stream.Position = _fileStart + offset;
        _stream.Write(bytes);
    }

    public void Dispose() => _finished = true;
}
