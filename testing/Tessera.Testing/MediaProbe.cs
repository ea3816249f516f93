using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Tessera.Testing;

/// <summary>What ffprobe says of a media file: its streams, duration and any complaint.</summary>
public sealed record ProbedFile(IReadOnlyList<ProbedStream> Streams, double? Duration, string Errors);

public sealed record ProbedStream(string CodecType, string CodecName, int Width, int Height);

/// <summary>
/// Reads media files with Debian's ffmpeg tools (ffprobe, ffmpeg; installed by
/// scripts/install-test-deps.sh): the independent judge of what the recorder writes.
/// </summary>
public static class MediaProbe
{
    /// <summary><c>ffprobe -v error</c>: the streams and duration, and everything it printed on stderr.</summary>
    public static async Task<ProbedFile> ProbeAsync(string path)
    {
        var (output, errors, _) = await RunAsync("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path]);
        using var json = JsonDocument.Parse(output.Length == 0 ? "{}" : output);
        var streams = new List<ProbedStream>();
        if (json.RootElement.TryGetProperty("streams", out var list))
            foreach (var s in list.EnumerateArray())
                streams.Add(new ProbedStream(
                    s.TryGetProperty("codec_type", out var t) ? t.GetString() ?? "" : "",
                    s.TryGetProperty("codec_name", out var n) ? n.GetString() ?? "" : "",
                    s.TryGetProperty("width", out var w) ? w.GetInt32() : 0,
                    s.TryGetProperty("height", out var h) ? h.GetInt32() : 0));
        double? duration = json.RootElement.TryGetProperty("format", out var format)
                           && format.TryGetProperty("duration", out var d)
                           && double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? seconds : null;
        return new ProbedFile(streams, duration, errors);
    }

    /// <summary>The width of every decoded video frame, in order (<c>ffprobe -show_frames</c>).</summary>
    public static async Task<IReadOnlyList<int>> FrameWidthsAsync(string path)
    {
        var (output, _, _) = await RunAsync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=width", "-of", "csv=p=0", path]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                     .Select(line => int.Parse(line.TrimEnd(','), CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>The time of every video packet in the file, in milliseconds, in file order (<c>ffprobe -show_packets</c>).</summary>
    public static async Task<IReadOnlyList<long>> VideoPacketMillisecondsAsync(string path)
    {
        var (output, _, _) = await RunAsync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", path]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                     .Select(line => (long)Math.Round(double.Parse(line.TrimEnd(','), CultureInfo.InvariantCulture) * 1000)).ToList();
    }

    /// <summary>Decodes every frame (<c>ffmpeg -v error -i f -f null -</c>); returns what it complained about ("" when nothing).</summary>
    /// <param name="seekSeconds">Where to start (<c>-ss</c> before <c>-i</c>: a seek in the file, through its cues).</param>
    public static async Task<string> DecodeErrorsAsync(string path, double? seekSeconds = null)
    {
        string[] seek = seekSeconds is { } s ? ["-ss", s.ToString(CultureInfo.InvariantCulture)] : [];
        var (_, errors, exit) = await RunAsync("ffmpeg", ["-nostdin", "-v", "error", .. seek, "-i", path, "-f", "null", "-"]);
        return exit == 0 ? errors : $"exit {exit}: {errors}";
    }

    private static async Task<(string Output, string Errors, int Exit)> RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (await output, (await errors).Trim(), process.ExitCode);
    }
}
