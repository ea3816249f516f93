using System.Diagnostics;
using System.Runtime.InteropServices;
using Tessera.Media.Codecs;
using Tessera.Media.Recording;
using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;
using Tessera.Media.Sdp;
using Tessera.Media.Sfu;
using Tessera.Media.Transport;
using Tessera.Testing;

// Recording cost, in process: N streams (VP8 video in 1,100-byte packets at a given bit rate, one
// packet a frame, a keyframe every 3 s, plus Opus 50 packets/s × 100 B) delivered to their incoming
// tracks on one thread, as the media receive thread does, first without and then with a recorder
// on every stream writing real files. Media time runs on a manual clock at ten times real time
// (the writers drain their queues ten times a real second, so much faster would only measure
// their bounds); the disk writer runs on its own threads as in the server.
// Prints CPU per recorded packet (whole process, and the delivering thread alone), the disk write
// rate, frames dropped, and the delivering thread's time per packet (p50/p99/p99.9) without and
// with recording. Run: dotnet run -c Release --project bench/Tessera.Bench.Recording [streams] [seconds] [bitrate] [vp8|h264]
// With h264 the video is single NAL unit packets (RFC 6184), each keyframe a STAP-A of SPS, PPS and
// an IDR slice, recorded into Matroska files.
int streams = args.Length > 0 ? int.Parse(args[0]) : 10;
int mediaSeconds = args.Length > 1 ? int.Parse(args[1]) : 60;
int bitrate = args.Length > 2 ? int.Parse(args[2]) : 1_000_000;
string videoCodec = args.Length > 3 ? args[3] : "vp8";
if (videoCodec is not ("vp8" or "h264"))
    throw new ArgumentException("the video codec is vp8 or h264");
const int VideoPacket = 1100, AudioPacket = 100;
const double Speed = 10; // media milliseconds per real millisecond
double videoPerSecond = bitrate / 8.0 / VideoPacket;
var folder = Directory.CreateTempSubdirectory("tessera-recbench-").FullName;
Console.WriteLine($"Recording bench: {streams} streams, {mediaSeconds} s of media each, {videoCodec} video {bitrate / 1000} kbit/s " +
                  $"({videoPerSecond:F0} packets/s of {VideoPacket} B) + audio 50 packets/s of {AudioPacket} B; load average {LoadAverage()}");
try
{
    var without = Run(record: false);
    var with = Run(record: true);
    Console.WriteLine();
    Console.WriteLine("| metric | not recorded | recorded |");
    Console.WriteLine("|---|---|---|");
    Console.WriteLine($"| packets delivered | {without.Packets} | {with.Packets} |");
    Console.WriteLine($"| process CPU per packet | {without.ProcessCpu / without.Packets:F2} µs | {with.ProcessCpu / with.Packets:F2} µs |");
    Console.WriteLine($"| delivering thread CPU per packet (building it included) | {without.ThreadCpu / without.Packets:F2} µs | {with.ThreadCpu / with.Packets:F2} µs |");
    Console.WriteLine($"| delivering thread time per packet p50 / p99 / p99.9 | {without.P50:F2} / {without.P99:F2} / {without.P999:F2} µs | {with.P50:F2} / {with.P99:F2} / {with.P999:F2} µs |");
    Console.WriteLine($"| wall time (media time {mediaSeconds} s at {Speed}×) | {without.Wall:F2} s | {with.Wall:F2} s |");
    Console.WriteLine($"| **CPU per recorded packet** (whole process, extra) | | **{(with.ProcessCpu - without.ProcessCpu) / with.Packets:F2} µs** |");
    Console.WriteLine($"| CPU per recorded packet on the delivering thread (extra) | | {(with.ThreadCpu - without.ThreadCpu) / with.Packets:F2} µs |");
    Console.WriteLine($"| written | | {with.Bytes / 1e6:F1} MB in {with.Files} files, {with.Bytes / 1e6 / with.Wall:F1} MB/s at {Speed}× real time ({with.Bytes / 1e6 / mediaSeconds:F2} MB/s of media time) |");
    Console.WriteLine($"| frames written / dropped (disk behind) / skipped until a keyframe | | {with.Written} / {with.Dropped} / {with.Skipped} |");
    Console.WriteLine($"| load average (1/5/15 min) at the end | {LoadAverage()} | |");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

Result Run(bool record)
{
    var clock = new ManualTimeProvider();
    var sink = new NullSink();
    var tracks = new List<(IncomingTrack Video, IncomingTrack Audio)>();
    var recorders = new List<StreamRecorder>();
    for (int i = 0; i < streams; i++)
    {
        var video = Track(clock, sink, videoCodec, "video", (uint)(2 * i + 1));
        var audio = Track(clock, sink, "opus", "audio", (uint)(2 * i + 2));
        tracks.Add((video, audio));
        if (record)
        {
            var path = Path.Combine(folder, $"stream-{i}" + (videoCodec == "h264" ? ".mkv" : ".webm"));
            var recorder = new StreamRecorder(videoCodec == "h264" ? Codec.H264 : Codec.Vp8, audio: true, () => File.Create(path), clock);
            recorder.Attach(video);
            recorder.Attach(audio);
            recorders.Add(recorder);
        }
    }
    var packet = new byte[1500];
    var durations = new List<double>(capacity: (int)(streams * mediaSeconds * (videoPerSecond + 50)));
    GC.Collect();
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    double threadBefore = ThreadCpuMicroseconds();
    var wall = Stopwatch.StartNew();
    // Step the clock 1 ms at a time and send what each stream has due by then.
    long videoSent = 0, audioSent = 0;
    for (int ms = 0; ms < mediaSeconds * 1000; ms++)
    {
        clock.Advance(TimeSpan.FromMilliseconds(1));
        if (ms % 10 == 0)
            while (wall.Elapsed.TotalMilliseconds * Speed < ms)
                Thread.Sleep(1);
        long videoDue = (long)((ms + 1) * videoPerSecond / 1000), audioDue = (ms + 1) / 20;
        for (; videoSent < videoDue; videoSent++)
        {
            bool keyframe = videoSent % (long)Math.Max(1, videoPerSecond * 3) == 0;
            for (int i = 0; i < streams; i++)
                durations.Add(Deliver(tracks[i].Video, packet, Build(packet, (uint)(2 * i + 1), 96, (ushort)videoSent,
                    (uint)(videoSent * 90_000 / videoPerSecond), VideoPacket, keyframe, videoCodec)));
        }
        for (; audioSent < audioDue; audioSent++)
            for (int i = 0; i < streams; i++)
                durations.Add(Deliver(tracks[i].Audio, packet, Build(packet, (uint)(2 * i + 2), 111, (ushort)audioSent,
                    (uint)(audioSent * 960), AudioPacket, false, "opus")));
    }
    Task.WaitAll(recorders.Select(r => r.StopAsync()).ToArray());
    double seconds = wall.Elapsed.TotalSeconds;
    double threadCpu = ThreadCpuMicroseconds() - threadBefore;
    double processCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds;
    durations.Sort();
    var files = Directory.GetFiles(folder);
    return new Result(durations.Count, processCpu, threadCpu, At(0.5), At(0.99), At(0.999), seconds,
        record ? files.Sum(f => new FileInfo(f).Length) : 0, record ? files.Length : 0,
        recorders.Sum(r => r.FramesWritten), recorders.Sum(r => r.FramesDropped), recorders.Sum(r => r.FramesSkipped));

    double At(double p) => durations[Math.Min(durations.Count - 1, (int)(durations.Count * p))];
}

static double Deliver(IncomingTrack track, byte[] buffer, int length)
{
    long start = Stopwatch.GetTimestamp();
    track.Deliver(buffer.AsSpan(0, length));
    return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
}

static int Build(byte[] buffer, uint ssrc, byte payloadType, ushort sequence, uint timestamp, int size, bool keyframe, string codec)
{
    var payload = new byte[size];
    if (codec == "h264" && keyframe)
    {
        // STAP-A: a baseline SPS (level 3.1), a PPS, and an IDR slice starting the picture (first_mb_in_slice 0).
        byte[] sps = [0x67, 0x42, 0xE0, 0x1F, 0x8C, 0x8D, 0x40, 0x50, 0x1E, 0xD0, 0x0F, 0x08, 0x84, 0x6A];
        byte[] pps = [0x68, 0xCE, 0x3C, 0x80];
        int idr = size - 1 - 2 - sps.Length - 2 - pps.Length - 2;
        var stap = new List<byte> { 0x78, 0, (byte)sps.Length };
        stap.AddRange(sps);
        stap.AddRange([0, (byte)pps.Length, .. pps, (byte)(idr >> 8), (byte)idr, 0x65, 0x88]);
        stap.CopyTo(payload);
    }
    else if (codec == "h264")
    {
        payload[0] = 0x41; // a non-IDR slice starting the picture
        payload[1] = 0x9A;
    }
    else if (codec == "vp8")
    {
        payload[0] = 0x10; // VP8 descriptor: S=1, partition 0
        payload[1] = keyframe ? (byte)0 : (byte)1; // frame tag: P bit clear on a keyframe
    }
    else
    {
        payload[0] = 0x78;
    }
    var bytes = new RtpPacketBuilder { PayloadType = payloadType, SequenceNumber = sequence, Timestamp = timestamp, Ssrc = ssrc, Marker = true, Payload = payload }.ToArray();
    bytes.CopyTo(buffer, 0);
    return bytes.Length;
}

static IncomingTrack Track(TimeProvider clock, IRtpSink sink, string codecName, string kind, uint ssrc)
{
    var codec = new NegotiatedCodec(codecName == "opus" ? 111 : 96, CodecCatalog.ByName(codecName)!, "", ["nack pli"]);
    var media = new NegotiatedMedia(ssrc.ToString(), kind, [codec], new Dictionary<int, string>(), [], [ssrc], "s", "t");
    return new IncomingTrack(ssrc.ToString(), media, codec, ssrc, null, sink, 0x5E4F, clock);
}

static double ThreadCpuMicroseconds()
{
    // RUSAGE_THREAD (1): this thread's user + system time.
    var usage = new long[18];
    if (getrusage(1, usage) != 0)
        return double.NaN;
    return usage[0] * 1e6 + usage[1] + usage[2] * 1e6 + usage[3];
}

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

[DllImport("libc")]
static extern int getrusage(int who, long[] usage);

internal sealed record Result(long Packets, double ProcessCpu, double ThreadCpu, double P50, double P99, double P999, double Wall,
                             long Bytes, int Files, long Written, long Dropped, long Skipped);

/// <summary>Where keyframe requests would go: nowhere (there is no publisher).</summary>
internal sealed class NullSink : IRtpSink
{
    public bool SendRtp(Span<byte> buffer, int length) => true;
    public void SendRtcp(IReadOnlyList<RtcpPacket> packets) { }
}
