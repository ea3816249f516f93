using System.Text;

namespace Tessera.Auth.Files;

/// <summary>
/// Replaces a file whole or not at all, so a reader or a crash never sees half of it: the new
/// contents go to a temporary file in the same folder (a rename is atomic only within one file
/// system), are flushed to disk, and the temporary file is renamed over the old one.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="contents"/> as UTF-8 (no BOM).</summary>
    /// <param name="mode">Permissions of the file if it is created (ignored on Windows).</param>
    public static void Write(string path, string contents, UnixFileMode mode) =>
        Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(contents)), mode);

    /// <summary>
    /// Lets <paramref name="write"/> fill the new file. If it throws, <paramref name="path"/> is left
    /// as it was and the temporary file is removed.
    /// </summary>
    /// <param name="mode">Permissions of the file if it is created (ignored on Windows).</param>
    public static void Write(string path, Action<Stream> write, UnixFileMode mode)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // Hidden and unique, so that concurrent writers never share one and directory listings skip it.
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, CreateNew(mode)))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static FileStreamOptions CreateNew(UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        return options;
    }
}
