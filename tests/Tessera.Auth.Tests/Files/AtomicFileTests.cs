using Tessera.Auth.Files;

namespace Tessera.Auth.Tests.Files;

public sealed class AtomicFileTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes are a Unix notion
    public void New_file_gets_the_contents_as_utf8_without_bom_and_the_mode()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("key.pem");
        AtomicFile.Write(path, "clé\n", Private);
        Assert.Equal("clé\n"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(Private, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Existing_file_is_replaced_and_no_temporary_file_is_left()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("tokens.jsonl");
        File.WriteAllText(path, "a much longer old content than the new one\n");
        AtomicFile.Write(path, stream => stream.Write("new\n"u8), Private);
        Assert.Equal("new\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Existing_file_is_swapped_not_rewritten_in_place()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("tokens.jsonl");
        File.WriteAllText(path, "old\n");
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        AtomicFile.Write(path, "new\n", Private);
        // A reader that opened the old file keeps reading the old contents whole.
        Assert.Equal("old\n", new StreamReader(reader).ReadToEnd());
        Assert.Equal("new\n", File.ReadAllText(path));
    }

    [Fact]
    public void Failing_writer_leaves_the_old_file_untouched_and_no_temporary_file()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("tokens.jsonl");
        File.WriteAllText(path, "old\n");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half"u8);
            throw new InvalidOperationException("disk full");
        }, Private));
        Assert.Equal("old\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Missing_folder_is_an_error_not_created()
    {
        using var folder = new TempFolder();
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(folder.Combine("absent", "f"), "x", Private));
        Assert.False(Directory.Exists(folder.Combine("absent")));
    }
}
