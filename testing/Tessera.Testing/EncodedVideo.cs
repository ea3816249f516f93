using System.Buffers.Binary;
using System.Diagnostics;

namespace Tessera.Testing;

/// <summary>One compressed picture of a test video, with its presentation time.</summary>
public sealed record EncodedFrame(byte[] Data, long Milliseconds, bool Keyframe);

/// <summary>
/// Real VP8/VP9/AV1 pictures for the recording tests, encoded by Debian's ffmpeg (libvpx, libaom) into IVF —
/// the simplest container: a 32-byte header, then per picture its size, time and bytes — and H.264
/// (libx264) as an elementary stream.
/// </summary>
public static class EncodedVideo
{
    // Encoding is the slow part of the tests that use these clips: each distinct clip is made once per test run.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<IReadOnlyList<EncodedFrame>>> Made = new();

    /// <summary>A test pattern of <paramref name="seconds"/> at 30 pictures a second, a keyframe every <paramref name="keyframeInterval"/> pictures.</summary>
    public static IReadOnlyList<EncodedFrame> Encode(string codec, double seconds, int keyframeInterval, int width = 160, int height = 120) =>
        Made.GetOrAdd($"{codec} {seconds} {keyframeInterval} {width}x{height}",
                      _ => new Lazy<IReadOnlyList<EncodedFrame>>(() => EncodeNow(codec, seconds, keyframeInterval, width, height))).Value;

    /// <summary>The clip played <paramref name="times"/> times in a row (each repeat starts with its keyframe).</summary>
    public static IReadOnlyList<EncodedFrame> Repeated(IReadOnlyList<EncodedFrame> clip, int times)
    {
        long length = clip[^1].Milliseconds + (clip[^1].Milliseconds - clip[^2].Milliseconds);
        return Enumerable.Range(0, times).SelectMany(n => clip.Select(f => f with { Milliseconds = f.Milliseconds + n * length })).ToList();
    }

    private static IReadOnlyList<EncodedFrame> EncodeNow(string codec, double seconds, int keyframeInterval, int width, int height)
    {
        if (codec == "h264")
            return EncodeH264(seconds, keyframeInterval, width, height);
        var path = Path.Combine(Path.GetTempPath(), $"tessera-{codec}-{Guid.NewGuid():N}.ivf");
        try
        {
            string[] encoder = codec switch
            {
                "vp9" => ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-auto-alt-ref", "0"],
                "av1" => ["-c:v", "libaom-av1", "-usage", "realtime", "-pix_fmt", "yuv420p"], // 4:2:0 like a browser's
                _ => ["-c:v", "libvpx", "-deadline", "realtime", "-auto-alt-ref", "0"],
            };
            Run("ffmpeg", ["-nostdin", "-v", "error", "-f", "lavfi", "-i", $"testsrc=size={width}x{height}:rate=30",
                "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                .. encoder, "-g", keyframeInterval.ToString(), "-keyint_min", keyframeInterval.ToString(),
                "-cpu-used", "8", "-b:v", "200k", "-f", "ivf", path]);
            return ReadIvf(File.ReadAllBytes(path), codec);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<EncodedFrame> ReadIvf(byte[] file, string codec)
    {
        var header = file.AsSpan();
        int rate = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        int scale = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
        var frames = new List<EncodedFrame>();
        for (int at = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]); at + 12 <= file.Length;)
        {
            int size = BinaryPrimitives.ReadInt32LittleEndian(header[at..]);
            long pts = BinaryPrimitives.ReadInt64LittleEndian(header[(at + 4)..]);
            var data = file.AsSpan(at + 12, size).ToArray();
            bool key = codec switch
            {
                "vp9" => (data[0] & 0x04) == 0 && (data[0] & 0xC0) == 0x80,
                "av1" => HasAv1SequenceHeader(data), // libaom repeats it at each keyframe only
                _ => (data[0] & 1) == 0,
            };
            frames.Add(new EncodedFrame(data, pts * 1000 * scale / rate, key));
            at += 12 + size;
        }
        return frames;
    }

    /// <summary>
    /// H.264 from libx264 (constrained baseline, as browsers send) as an Annex B elementary stream:
    /// each access unit starts with a delimiter (x264's aud option), which is how the stream is cut
    /// into pictures; each picture keeps its start codes. x264 repeats SPS and PPS at every IDR.
    /// </summary>
    private static IReadOnlyList<EncodedFrame> EncodeH264(double seconds, int keyframeInterval, int width, int height)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tessera-h264-{Guid.NewGuid():N}.h264");
        try
        {
            Run("ffmpeg", ["-nostdin", "-v", "error", "-f", "lavfi", "-i", $"testsrc=size={width}x{height}:rate=30",
                "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline", "-pix_fmt", "yuv420p",
                "-g", keyframeInterval.ToString(), "-keyint_min", keyframeInterval.ToString(), "-x264-params", "aud=1",
                "-b:v", "200k", "-f", "h264", path]);
            var stream = File.ReadAllBytes(path);
            // x264 writes each delimiter (NAL type 9) behind a 4-byte start code: the stream is cut there.
            var starts = new List<int>();
            for (int i = 0; i + 4 < stream.Length; i++)
                if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 0 && stream[i + 3] == 1 && (stream[i + 4] & 0x1F) == 9)
                    starts.Add(i);
            var frames = new List<EncodedFrame>();
            for (int n = 0; n < starts.Count; n++)
            {
                var unit = stream[starts[n]..(n + 1 < starts.Count ? starts[n + 1] : stream.Length)];
                bool key = false; // an IDR slice (type 5) behind any start code
                for (int i = 0; i + 3 < unit.Length; i++)
                    key |= unit[i] == 0 && unit[i + 1] == 0 && unit[i + 2] == 1 && (unit[i + 3] & 0x1F) == 5;
                frames.Add(new EncodedFrame(unit, n * 1000L / 30, key));
            }
            return frames;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Whether a temporal unit (OBUs with their sizes) holds a sequence header OBU (type 1).</summary>
    private static bool HasAv1SequenceHeader(byte[] unit)
    {
        for (int at = 0; at < unit.Length;)
        {
            int header = (unit[at] & 0x04) != 0 ? 2 : 1;
            if (((unit[at] >> 3) & 0x0F) == 1)
                return true;
            int size = 0, shift = 0, i = at + header;
            for (; (unit[i] & 0x80) != 0; i++, shift += 7)
                size |= (unit[i] & 0x7F) << shift;
            size |= unit[i] << shift;
            at = i + 1 + size;
        }
        return false;
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} failed: {errors}");
    }
}
