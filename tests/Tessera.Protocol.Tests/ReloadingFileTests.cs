using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Protocol.Descriptions;

namespace Tessera.Protocol.Tests;

public sealed class ReloadingFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-groups-").FullName;

    private void Write(string name, string json, int tick)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1).AddSeconds(tick));
    }

    [Fact]
    public void Keeps_the_last_good_version_and_reports_the_error()
    {
        var store = new GroupDescriptionStore(_dir, NullLogger.Instance);
        Write("g.json", """{"displayName": "one"}""", 1);
        Assert.Equal("one", store.Lookup("g").Description!.DisplayName);
        Write("g.json", """{"displayName": """, 2);
        var lookup = store.Lookup("g");
        Assert.Equal("one", lookup.Description!.DisplayName);
        Assert.NotNull(lookup.Error);
        Write("g.json", """{"displayName": "three"}""", 3);
        lookup = store.Lookup("g");
        Assert.Equal(("three", null), (lookup.Description!.DisplayName, lookup.Error));
    }

    [Fact]
    public void Broken_from_the_start_is_unreadable()
    {
        var store = new GroupDescriptionStore(_dir, NullLogger.Instance);
        Write("g.json", "{", 1);
        Assert.Equal(LookupStatus.Unreadable, store.Lookup("g").Status);
    }

    [Fact]
    public void Lists_files_recursively_skipping_dot_entries()
    {
        Write("a.json", "{}", 1);
        Write("sub/b.json", "{}", 1);
        Write(".hidden/c.json", "{}", 1);
        Write("sub/.d.json", "{}", 1);
        Write("notes.txt", "x", 1);
        Assert.Equal(["a", "sub/b"], new GroupDescriptionStore(_dir, NullLogger.Instance).ListFileGroups());
    }

    [Theory]
    [InlineData("a/../b")]
    [InlineData("/a")]
    [InlineData("a/")]
    [InlineData("a\\b")]
    public void Illegal_names_never_touch_the_disk(string name)
    {
        Assert.Equal(LookupStatus.IllegalName, new GroupDescriptionStore(_dir, NullLogger.Instance).Lookup(name).Status);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
