namespace Tessera.Server.Hosting;

/// <summary>Writes a file whole or not at all: temp file in the same folder, flush, rename.</summary>
public static class AtomicFile
{
    public static void Write(string path, string contents, UnixFileMode mode)
    {
        var temp = path + ".temp";
        using (var stream = new FileStream(temp, new FileStreamOptions
               { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = mode }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(contents);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
