using System.Globalization;

namespace Tessera.Server.Recording;

/// <summary>
/// The recordings folder (files.md §10): one folder per group (mode 0700), one file per recorded
/// stream, named after the local start time and the publisher, e.g.
/// <c>2026-12-04T09:15:02.123-ada.webm</c> (<c>.mkv</c> for H.264), with <c>-01</c>…<c>-99</c> added
/// on a collision.
/// </summary>
public sealed class RecordingsDirectory
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TimeProvider _time;

    public RecordingsDirectory(string root, TimeProvider time)
    {
        Root = Path.GetFullPath(root);
        _time = time;
    }

    public string Root { get; }

    /// <summary>The folder of <paramref name="group"/> (group names are checked at join: no "..", no empty part).</summary>
    public string GroupFolder(string group)
    {
        var path = Path.GetFullPath(Path.Combine(Root, group));
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"group name {group} leaves the recordings folder");
        return path;
    }

    /// <summary>Creates the group's folder (and the root) if needed; throws IOException or UnauthorizedAccessException.</summary>
    public string EnsureGroupFolder(string group)
    {
        var path = GroupFolder(group);
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, FolderMode);
        return path;
    }

    /// <summary>Creates a new recording file for a stream of <paramref name="username"/>, never overwriting one.</summary>
    /// <param name="extension">".webm", or ".mkv" for what WebM cannot hold.</param>
    public FileStream CreateFile(string group, string username, string extension = ".webm")
    {
        var folder = EnsureGroupFolder(group);
        var stem = _time.GetLocalNow().ToString(OperatingSystem.IsWindows() ? "yyyy-MM-dd'T'HH-mm-ss-fff" : "yyyy-MM-dd'T'HH:mm:ss.fff",
                                                CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(username))
            stem += "-" + username.Replace("/", "-slash-").Replace("\\", "-backslash-");
        for (int n = 0; n <= 99; n++)
        {
            var path = Path.Combine(folder, (n == 0 ? stem : $"{stem}-{n:D2}") + extension);
            try
            {
                var options = new FileStreamOptions
                {
                    Mode = System.IO.FileMode.CreateNew,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.Read | FileShare.Delete,
                    BufferSize = 64 * 1024,
                };
                if (!OperatingSystem.IsWindows())
                    options.UnixCreateMode = FileMode;
                return new FileStream(path, options);
            }
            catch (IOException) when (File.Exists(path) && n < 99)
            {
                // Taken (two streams of one user started in the same millisecond): try the next suffix.
            }
        }
        throw new IOException($"no free file name for {stem}{extension}");
    }
}
