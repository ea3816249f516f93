namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>The recording files a server wrote, as found on disk.</summary>
public static class RecordingFiles
{
    /// <summary>The recording files (.webm, or .mkv for H.264) in the group's recordings folder, oldest first.</summary>
    public static IReadOnlyList<string> In(TesseraProcess server, string group, string pattern = "*.webm")
    {
        var folder = Path.Combine(server.Recordings, group);
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, pattern).OrderBy(File.GetCreationTimeUtc).ThenBy(f => f, StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>
    /// Whether the recorder finished the file: its segment's size was written at the end, where a
    /// file cut short keeps the "unknown size" marker (all ones after the length byte).
    /// </summary>
    public static bool IsFinished(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var head = new byte[256];
        int read = file.Read(head);
        ReadOnlySpan<byte> segmentId = [0x18, 0x53, 0x80, 0x67];
        int at = head.AsSpan(0, read).IndexOf(segmentId);
        if (at < 0 || at + 12 > read)
            return false;
        var size = head.AsSpan(at + 4, 8);
        return !(size[0] == 0x01 && size[1..].IndexOfAnyExcept((byte)0xFF) < 0);
    }
}
